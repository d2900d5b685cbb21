import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../../src/core/errors.js';
import { createS3MediaStorage, type S3MediaStorage } from '../../../../src/core/media/s3-storage.js';
import { withLocalFile } from '../../../../src/core/media/storage.js';
import { type FakeS3, startFakeS3 } from '../../../fakes/s3/server.js';

let s3: FakeS3;
let storage: S3MediaStorage;
let raw: S3Client;
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-s3-work-'));
const others: S3MediaStorage[] = [];

function storageWith(overrides: Partial<Parameters<typeof createS3MediaStorage>[0]> = {}) {
  const made = createS3MediaStorage({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    tempDir,
    ...overrides,
  });
  others.push(made);
  return made;
}

function work(name: string, data: Buffer | string): string {
  const file = path.join(tempDir, name);
  fs.writeFileSync(file, data);
  return file;
}

beforeAll(async () => {
  s3 = await startFakeS3();
  storage = storageWith();
  raw = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
});

afterAll(async () => {
  raw.destroy();
  for (const made of others) await made.close();
  await s3.close();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

describe('S3 media storage', () => {
  it('commits a work file into the bucket with its type, and removes the work file', async () => {
    const temp = work('a.mp4', 'first video');
    await storage.commit(temp, 'media/g_a.mp4');
    expect(fs.existsSync(temp)).toBe(false);
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'media/g_a.mp4' }));
    expect(head.ContentType).toBe('video/mp4');
    expect(head.ContentLength).toBe('first video'.length);
    expect(await storage.exists('media/g_a.mp4')).toBe(true);
    expect(await storage.stat('media/g_a.mp4')).toMatchObject({ bytes: 11, modifiedMs: expect.any(Number) });
    expect(storage.describe('media/g_a.mp4')).toBe(`s3://${s3.bucket}/media/g_a.mp4`);
  });

  it('opens the whole object or an inclusive byte range of it', async () => {
    await storage.commit(work('r.mp4', '0123456789'), 'media/g_r.mp4');
    const whole = await storage.open('media/g_r.mp4');
    expect((await buffer(whole!)).toString()).toBe('0123456789');
    const part = await storage.open('media/g_r.mp4', { start: 2, end: 5 });
    expect((await buffer(part!)).toString()).toBe('2345');
    const tail = await storage.open('media/g_r.mp4', { start: 9, end: 9 });
    expect((await buffer(tail!)).toString()).toBe('9');
  });

  it('says undefined for an object that is not there, and MEDIA_NOT_FOUND for a local copy of it', async () => {
    expect(await storage.stat('media/none.mp4')).toBeUndefined();
    expect(await storage.open('media/none.mp4')).toBeUndefined();
    expect(await storage.exists('media/none.mp4')).toBe(false);
    await expect(storage.fetchLocal('media/none.mp4')).rejects.toMatchObject({ code: 'MEDIA_NOT_FOUND' });
  });

  it('downloads a local copy into tempDir that release removes', async () => {
    await storage.commit(work('l.jpg', 'poster bytes'), 'media/g_l.poster.jpg');
    let seen = '';
    const text = await withLocalFile(storage, 'media/g_l.poster.jpg', async (file) => {
      seen = file;
      expect(path.dirname(file)).toBe(tempDir);
      expect(path.extname(file)).toBe('.jpg');
      return fs.promises.readFile(file, 'utf8');
    });
    expect(text).toBe('poster bytes');
    expect(fs.existsSync(seen)).toBe(false);
  });

  it('removes an object, and removing it again is fine', async () => {
    await storage.commit(work('d.mp4', 'gone soon'), 'media/g_d.mp4');
    await storage.remove('media/g_d.mp4');
    expect(await storage.exists('media/g_d.mp4')).toBe(false);
    await storage.remove('media/g_d.mp4');
  });

  it('lists the objects under a prefix with their sizes, across pages', async () => {
    const own = storageWith();
    for (let i = 0; i < 3; i++) await own.commit(work(`p${i}.mp4`, 'x'.repeat(i + 1)), `listed/g_${i}.mp4`);
    await own.commit(work('q.mp4', 'elsewhere'), 'other/g_q.mp4');
    const listed = [];
    for await (const object of own.list('listed/')) listed.push(object);
    expect(
      listed.map(({ key, bytes }) => ({ key, bytes })).sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual([
      { key: 'listed/g_0.mp4', bytes: 1 },
      { key: 'listed/g_1.mp4', bytes: 2 },
      { key: 'listed/g_2.mp4', bytes: 3 },
    ]);
  });

  it('uploads a file over one part in several parts, and reads it back byte for byte', async () => {
    const data = randomBytes(11 * 1024 * 1024 + 123);
    const before = s3.requests.length;
    await storage.commit(work('big.mp4', data), 'media/g_big.mp4');
    const calls = s3.requests.slice(before).filter((call) => call.url.includes('g_big.mp4'));
    // 8 MB parts: CreateMultipartUpload, two UploadPart, CompleteMultipartUpload; never one PUT.
    expect(calls.filter((call) => call.method === 'POST' && /[?&]uploads\b/.test(call.url))).toHaveLength(1);
    expect(calls.filter((call) => call.method === 'PUT' && /[?&]partNumber=/.test(call.url))).toHaveLength(2);
    expect(calls.filter((call) => call.method === 'POST' && /[?&]uploadId=/.test(call.url))).toHaveLength(1);
    expect(calls.filter((call) => call.method === 'PUT' && !call.url.includes('partNumber='))).toEqual([]);
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'media/g_big.mp4' }));
    expect(head.ContentLength).toBe(data.length);
    const back = await storage.open('media/g_big.mp4', { start: data.length - 1000, end: data.length - 1 });
    expect((await buffer(back!)).equals(data.subarray(data.length - 1000))).toBe(true);
    const copy = await storage.fetchLocal('media/g_big.mp4');
    expect(fs.readFileSync(copy.path).equals(data)).toBe(true);
    await copy.release();
  });

  it('keeps answering while more videos stream at once than the SDK has sockets by default (50)', async () => {
    await storage.commit(work('s.mp4', randomBytes(4 * 1024 * 1024)), 'media/g_s.mp4');
    // Viewers that paused their video: each response stays open, unread.
    const held = await Promise.all(
      Array.from({ length: 60 }, () => storage.open('media/g_s.mp4', { start: 0, end: 4 * 1024 * 1024 - 1 })),
    );
    try {
      expect(await storage.stat('media/g_s.mp4')).toMatchObject({ bytes: 4 * 1024 * 1024 });
    } finally {
      for (const stream of held) stream?.destroy();
    }
  });

  it('refuses keys that leave the bucket folder structure, before any request', async () => {
    for (const bad of ['../x.mp4', '/media/x.mp4', 'media/../../x.mp4', 'a\0b', ''])
      await expect(storage.stat(bad), bad).rejects.toMatchObject({ code: 'MEDIA_KEY_INVALID' });
  });

  it('checks the bucket: fine when it is there, a coded error when it is missing or refused', async () => {
    await storage.check();
    await expect(storageWith({ bucket: 'not-made' }).check()).rejects.toMatchObject({
      code: 'MEDIA_STORAGE_NO_BUCKET',
    });
    await expect(storageWith({ accessKeyId: 'NOBODY' }).check()).rejects.toMatchObject({
      code: 'MEDIA_STORAGE_DENIED',
    });
  });

  it('names a missing bucket and refused credentials with their own codes', async () => {
    const noBucket = storageWith({ bucket: 'not-made' });
    await expect(noBucket.commit(work('n.mp4', 'x'), 'media/n.mp4')).rejects.toMatchObject({
      code: 'MEDIA_STORAGE_NO_BUCKET',
    });
    // s3rver knows one account: an unknown key id is refused as S3 refuses it.
    const wrongKey = storageWith({ accessKeyId: 'NOBODY', secretAccessKey: 'not-the-secret' });
    const refused = await wrongKey.open('media/g_a.mp4').catch((error: unknown) => error);
    expect(codeOf(refused)).toBe('MEDIA_STORAGE_DENIED');
  });
});
