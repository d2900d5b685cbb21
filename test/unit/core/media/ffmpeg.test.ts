import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../../../src/core/errors.js';
import { fitToSize, makePoster, probe } from '../../../../src/core/media/ffmpeg.js';
import { fakeMedia } from '../../../fakes/replicate/media.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-ffmpeg-'));
const big = path.join(dir, 'big.mp4');

beforeAll(() => {
  // 3 s of noise at a high quality: a few MB, far above the limits below; yuv444p, which many
  // players refuse, so the result must really be re-encoded.
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=24,noise=alls=60:allf=t'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=300', '-t', '3', '-shortest'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '8', '-pix_fmt', 'yuv444p', '-c:a', 'aac', big],
  ]);
});

describe('ffmpeg post-processing', () => {
  it('probes duration, size, codec and audio', async () => {
    const info = await probe(big);
    expect(info).toMatchObject({
      width: 640,
      height: 360,
      codec: 'h264',
      pixelFormat: 'yuv444p',
      hasAudio: true,
    });
    expect(info.durationSeconds).toBeCloseTo(3, 0);
    expect(info.bytes).toBeGreaterThan(1_000_000);
  });

  it('fits a video under a byte limit as H.264 yuv420p with faststart, and it still plays', async () => {
    const limit = 250 * 1024;
    const out = path.join(dir, 'fit.mp4');
    const result = await fitToSize(big, limit, out);
    expect(result.reencoded).toBe(true);
    expect(result.bytes).toBeLessThanOrEqual(limit);
    expect(fs.statSync(out).size).toBe(result.bytes);
    const info = await probe(out);
    expect(info).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', hasAudio: true });
    expect(info.durationSeconds).toBeCloseTo(3, 0);
    // +faststart puts the moov box before mdat.
    const head = fs
      .readFileSync(out)
      .subarray(0, 64 * 1024)
      .toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(-1);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'));
    // Nothing left behind but the result.
    expect(fs.readdirSync(dir).filter((f) => f.includes('.part'))).toEqual([]);
  });

  it('scales the frame down when the bitrate is too thin for it', async () => {
    const out = path.join(dir, 'small.mp4');
    const result = await fitToSize(big, 60 * 1024, out);
    expect(result.bytes).toBeLessThanOrEqual(60 * 1024);
    expect(result.height).toBeLessThan(360);
    expect((await probe(out)).height).toBe(result.height);
  });

  it('copies a video that already fits and plays everywhere', async () => {
    const sample = (await fakeMedia()).video;
    const out = path.join(dir, 'copy.mp4');
    const result = await fitToSize(sample, 10 * 1024 * 1024, out);
    expect(result.reencoded).toBe(false);
    expect((await probe(out)).codec).toBe('h264');
  });

  it('says so when a video cannot fit', async () => {
    const error = await fitToSize(big, 4 * 1024, path.join(dir, 'never.mp4')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('MEDIA_CANNOT_FIT');
    expect(fs.existsSync(path.join(dir, 'never.mp4'))).toBe(false);
  });

  it("names ffmpeg's own reason when it fails, and ffprobe's when a file does not read", async () => {
    const text = path.join(dir, 'not-a-video.mp4');
    fs.writeFileSync(text, 'this is not a video');
    const poster = await makePoster(text, path.join(dir, 'never.jpg')).catch((e: unknown) => e);
    expect(poster).toBeInstanceOf(MediaError);
    expect((poster as MediaError).code).toBe('MEDIA_FFMPEG_FAILED');
    expect(((poster as MediaError).cause as Error).message).toMatch(/Invalid data/);
    const probed = await probe(text).catch((e: unknown) => e);
    expect((probed as MediaError).code).toBe('MEDIA_UNREADABLE');
    expect(((probed as MediaError).cause as Error).message).toMatch(/Invalid data/);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('never'))).toEqual([]);
  });

  it('makes a poster JPEG', async () => {
    const out = path.join(dir, 'poster.jpg');
    await makePoster(big, out, { durationSeconds: 3 });
    expect(fs.readFileSync(out).subarray(0, 3).toString('hex')).toBe('ffd8ff');
  });
});
