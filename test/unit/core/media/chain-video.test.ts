import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatVideos, extractLastFrame } from '../../../../src/core/media/chain-video.js';
import { probe } from '../../../../src/core/media/ffmpeg.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-chain-'));
const clip = (name: string) => path.join(dir, name);

/** A short H.264 clip whose every frame differs (testsrc draws a moving pattern and a counter). */
function makeClip(out: string, options: { size: string; rate: number; seconds: number; gop?: number }) {
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `testsrc=size=${options.size}:rate=${options.rate}`, '-t', String(options.seconds)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...(options.gop ? ['-g', String(options.gop)] : []),
    out,
  ]);
}

/** Every decoded frame of a video (or the one of an image) as raw RGB, concatenated. */
function rawFrames(file: string): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 512 * 1024 * 1024,
  });
}

beforeAll(() => {
  // A 2 s clip with keyframes 1 s apart, so the last frame is far from any keyframe.
  makeClip(clip('a.mp4'), { size: '320x240', rate: 25, seconds: 2, gop: 25 });
  makeClip(clip('b.mp4'), { size: '320x240', rate: 25, seconds: 1.5 });
  makeClip(clip('wide.mp4'), { size: '480x240', rate: 30, seconds: 1 });
});

describe('the last frame of a clip', () => {
  it('is exactly the last decoded frame, not a keyframe near it', async () => {
    const out = clip('last.png');
    await extractLastFrame(clip('a.mp4'), out);
    const frameBytes = 320 * 240 * 3;
    const all = rawFrames(clip('a.mp4'));
    expect(all.length).toBe(50 * frameBytes);
    const last = all.subarray(all.length - frameBytes);
    const beforeLast = all.subarray(all.length - 2 * frameBytes, all.length - frameBytes);
    const png = rawFrames(out);
    expect(png.length).toBe(frameBytes);
    expect(png.equals(last)).toBe(true);
    expect(png.equals(beforeLast)).toBe(false);
  });
});

describe('joining the parts of a chain', () => {
  it('copies matching streams with the concat demuxer: H.264, durations add up', async () => {
    const out = clip('joined.mp4');
    const result = await concatVideos([clip('a.mp4'), clip('b.mp4')], out);
    expect(result.method).toBe('copy');
    const info = await probe(out);
    expect(info).toMatchObject({ codec: 'h264', width: 320, height: 240 });
    expect(info.durationSeconds).toBeCloseTo(3.5, 1);
  });

  it('re-encodes parts of different size and rate to H.264 at the first part’s frame', async () => {
    const out = clip('mixed.mp4');
    const result = await concatVideos([clip('a.mp4'), clip('wide.mp4'), clip('b.mp4')], out);
    expect(result.method).toBe('reencode');
    const info = await probe(out);
    expect(info).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', width: 320, height: 240 });
    expect(info.durationSeconds).toBeCloseTo(4.5, 1);
  });
});
