import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProcessStat } from '../../../src/core/process-table.js';
import { createEncoder, encoderNiceness, type Spawner } from '../../../src/simulation/encoder.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-encoder-priority-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The niceness of each thread of `pid`. */
function threadNiceness(pid: number): number[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .map((tid) => readProcessStat(Number(tid), `/proc/${pid}/task`)!.nice);
}

describe('the encoder', () => {
  it('runs ffmpeg, and every x264 thread it starts, below the drawing in the scheduler', async () => {
    let child: ChildProcess | undefined;
    // The real spawn, kept to learn the pid.
    const spawner: Spawner = (command, args, options) => {
      child = spawn(command, args, options);
      return child;
    };
    const video = { width: 320, height: 240, fps: 24 };
    const encoder = createEncoder(video, path.join(dir, 'out.mp4'), { spawn: spawner });
    const frame = new Uint8Array(video.width * video.height * 4).fill(128);
    // x264 starts its threads once the first frame arrives; a few more keep it busy meanwhile.
    for (let i = 0; i < 12; i++) await encoder.write(frame, () => {});
    const pid = child!.pid!;
    for (const limit = performance.now() + 10_000; threadNiceness(pid).length < 3; ) {
      if (performance.now() > limit) throw new Error('x264 started no threads');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const niceness = threadNiceness(pid);
    await encoder.finish();
    expect(encoderNiceness).toBeGreaterThan(0);
    expect(niceness.every((n) => n === encoderNiceness)).toBe(true);
  });
});
