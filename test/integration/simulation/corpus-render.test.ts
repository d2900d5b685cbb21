import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { interpretBuiltin } from '../../../src/simulation/interpreter/builtin/index.js';
import { renderSimulation } from '../../../src/simulation/render-on-worker.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'reelbot-corpus-render-'));
});
afterAll(() => fs.promises.rm(dir, { recursive: true, force: true }));

/** Every frame's luma at 64x36, as ffmpeg decodes the file. */
async function lumaFrames(file: string): Promise<Buffer[]> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', 'scale=64:36', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const size = 64 * 36;
  return Array.from({ length: stdout.length / size }, (_, i) => stdout.subarray(i * size, (i + 1) * size));
}

const spread = (frame: Buffer) => {
  const mean = frame.reduce((sum, v) => sum + v, 0) / frame.length;
  return Math.sqrt(frame.reduce((sum, v) => sum + (v - mean) ** 2, 0) / frame.length);
};
const difference = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;

// A sample of the corpus, rendered small: the videos are valid, show something, and move.
const sample = [
  "a newton's cradle with 5 steel balls",
  'a red wrecking ball smashes a tower of green crates',
  'eight blue balls roll down a ramp into a wall of 15 yellow boxes',
];

describe('a sample of the corpus, rendered', { timeout: 120_000 }, () => {
  it.each(sample)('%s', async (sentence) => {
    const scene = {
      ...interpretBuiltin(sentence),
      duration: 1.5,
      fps: 24 as const,
      resolution: { width: 192, height: 108 },
    };
    const out = path.join(dir, `${sample.indexOf(sentence)}.mp4`);
    await renderSimulation(scene, out);
    const info = await probe(out);
    expect(info.codec).toBe('h264');
    expect(info.durationSeconds).toBeGreaterThan(1.2);
    const frames = await lumaFrames(out);
    expect(frames.length).toBe(36);
    // Not blank: the first frame has a picture in it, not one flat colour.
    expect(spread(frames[0]!)).toBeGreaterThan(5);
    // Moving: the picture changes over the clip. A still scene differs by under 0.05 (encoder
    // noise); small balls rolling across a wide shot change it by about 0.5.
    expect(difference(frames[0]!, frames.at(-1)!)).toBeGreaterThan(0.2);
  });
});
