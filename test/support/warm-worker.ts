import { expect } from 'vitest';
import { processesBelow } from './reelbot-process.js';

/**
 * What a render may leave under reelbot once it is over, canceled or not: the warm render worker (one
 * node), its Xvfb, and at most one spare ffmpeg it keeps for the next video.
 */
export function expectOnlyWarmWorker(pid: number): void {
  const running = processesBelow(pid);
  expect(running.filter((p) => p.name === 'node')).toHaveLength(1);
  expect(running.filter((p) => p.name === 'Xvfb').length).toBeLessThanOrEqual(1);
  expect(running.filter((p) => p.name === 'ffmpeg').length).toBeLessThanOrEqual(1);
}
