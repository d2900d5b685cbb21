import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../../src/core/errors.js';
import { probe } from '../../../../src/core/media/ffmpeg.js';
import { createLocalMediaStorage } from '../../../../src/core/media/storage.js';
import { prepareUpload } from '../../../../src/core/media/upload.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-upload-'));
const storage = createLocalMediaStorage(dataDir);
const media = { path: 'media/g_up.mp4', bytes: 0, mime: 'video/mp4' };

beforeAll(() => {
  fs.mkdirSync(path.join(dataDir, 'media'));
  // 2 s of noise at a high quality: a few hundred KB, well above the limits below.
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=24,noise=alls=60:allf=t'],
    ...['-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '10', '-pix_fmt', 'yuv420p'],
    storage.describe(media.path),
  ]);
  media.bytes = fs.statSync(storage.describe(media.path)).size;
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const tempFiles = () => (fs.existsSync(storage.tempDir) ? fs.readdirSync(storage.tempDir) : []);

describe('prepareUpload', () => {
  it('sends a video that fits as it is', async () => {
    const upload = await prepareUpload(media, media.bytes, { storage, label: 'g_up-test' });
    expect(upload).toMatchObject({
      kind: 'file',
      path: storage.describe(media.path),
      bytes: media.bytes,
      mime: 'video/mp4',
      reencoded: false,
    });
    if (upload.kind === 'file') await upload.cleanup();
    expect(fs.existsSync(storage.describe(media.path))).toBe(true);
  });

  it('re-encodes a video over the limit into a temp copy that cleanup removes', async () => {
    const limit = 60 * 1024;
    expect(media.bytes).toBeGreaterThan(limit);
    const upload = await prepareUpload(media, limit, { storage, label: 'g_up-test' });
    if (upload.kind !== 'file') throw new Error(`expected a file, got ${String(upload.error)}`);
    expect(upload.reencoded).toBe(true);
    expect(upload.mime).toBe('video/mp4');
    expect(path.dirname(upload.path)).toBe(storage.tempDir);
    expect(upload.bytes).toBeLessThanOrEqual(limit);
    expect(fs.statSync(upload.path).size).toBe(upload.bytes);
    expect((await probe(upload.path)).codec).toBe('h264');
    await upload.cleanup();
    expect(tempFiles()).toEqual([]);
    expect(fs.statSync(storage.describe(media.path)).size).toBe(media.bytes);
  });

  it('says too-big with the reason when it cannot fit, leaving nothing behind', async () => {
    const upload = await prepareUpload(media, 2 * 1024, { storage, label: 'g_up-test' });
    expect(upload.kind).toBe('too-big');
    if (upload.kind === 'too-big') expect(codeOf(upload.error)).toBe('MEDIA_CANNOT_FIT');
    expect(tempFiles()).toEqual([]);
  });

  it('uses the fit it is given', async () => {
    const calls: { input: string; limit: number; out: string }[] = [];
    const upload = await prepareUpload(media, 1000, {
      storage,
      label: 'g_up-test',
      fit: async (input, limit, out) => {
        calls.push({ input, limit, out });
        fs.writeFileSync(out, 'small');
        return { path: out, bytes: 5 };
      },
    });
    expect(calls).toEqual([{ input: storage.describe(media.path), limit: 1000, out: expect.any(String) }]);
    expect(upload).toMatchObject({ kind: 'file', path: calls[0]!.out, bytes: 5, reencoded: true });
    if (upload.kind === 'file') await upload.cleanup();
    expect(tempFiles()).toEqual([]);
  });
});
