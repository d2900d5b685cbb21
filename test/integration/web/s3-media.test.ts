import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Generation } from '../../../src/core/generations/types.js';
import { createS3MediaStorage, type S3MediaStorage } from '../../../src/core/media/s3-storage.js';
import { type FakeS3, startFakeS3 } from '../../fakes/s3/server.js';
import {
  ada,
  adminToken,
  createTestData,
  makeSampleMedia,
  removeTempDirs,
  startTestServer,
  type TestData,
  tempDir,
} from '../../support/web-gallery.js';

let s3: FakeS3;
let media: S3MediaStorage;
let data: TestData;
let server: Awaited<ReturnType<typeof startTestServer>>;
let videoBytes: Buffer;
let sample: { video: string; poster: string };
const auth = { Authorization: `Bearer ${adminToken}` };

/** Uploads the sample into the bucket for a new generation of `status`, as the media keeper does. */
async function recorded(status: 'succeeded' | 'failed'): Promise<Generation> {
  const generation = await data.store.insert({
    source: 'replicate',
    requester: ada,
    model: 'a/b',
    input: {},
  });
  const work = tempDir('reelbot-s3-web-work-');
  fs.copyFileSync(sample.video, path.join(work, 'v.mp4'));
  fs.copyFileSync(sample.poster, path.join(work, 'p.jpg'));
  await media.commit(path.join(work, 'v.mp4'), `media/${generation.id}.mp4`);
  await media.commit(path.join(work, 'p.jpg'), `media/${generation.id}.poster.jpg`);
  await data.store.update(generation.id, {
    status,
    media: {
      path: `media/${generation.id}.mp4`,
      posterPath: `media/${generation.id}.poster.jpg`,
      sha256: createHash('sha256').update(videoBytes).digest('hex'),
      bytes: videoBytes.length,
      mime: 'video/mp4',
    },
  });
  return (await data.store.get(generation.id))!;
}

function bucketOptions() {
  return {
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    tempDir: path.join(data.dataDir, 'tmp'),
  };
}

beforeAll(async () => {
  sample = await makeSampleMedia();
  videoBytes = fs.readFileSync(sample.video);
  s3 = await startFakeS3();
  data = createTestData();
  media = createS3MediaStorage(bucketOptions());
  server = await startTestServer(data, { media });
});

afterAll(async () => {
  await server?.close();
  await media?.close();
  await s3?.close();
  data?.db.close();
  removeTempDirs();
});

describe('the gallery with media in S3', () => {
  it('reports the bucket in /healthz, and 503 when it is missing', async () => {
    const healthy = await fetch(`${server.url}/healthz`);
    expect(((await healthy.json()) as { checks: { storage: unknown } }).checks.storage).toEqual({ ok: true });
    const missing = createS3MediaStorage({ ...bucketOptions(), bucket: 'not-made' });
    const broken = await startTestServer(data, { media: missing });
    try {
      const answer = await fetch(`${broken.url}/healthz`);
      expect(answer.status).toBe(503);
      expect(((await answer.json()) as { checks: { storage: unknown } }).checks.storage).toEqual({
        ok: false,
        error: 'media storage: MEDIA_STORAGE_NO_BUCKET',
      });
    } finally {
      await broken.close();
      await missing.close();
    }
  });

  it('streams ranges from the bucket: 206 with exactly those bytes, suffix ranges, 416 past the end', async () => {
    const { id } = await recorded('succeeded');
    const url = `${server.url}/media/${id}`;
    const ranged = await fetch(url, { headers: { Range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${videoBytes.length}`);
    expect(ranged.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(videoBytes.subarray(100, 200))).toBe(true);
    const tail = await fetch(url, { headers: { Range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(videoBytes.subarray(-10))).toBe(true);
    const past = await fetch(url, { headers: { Range: `bytes=${videoBytes.length}-` } });
    expect(past.status).toBe(416);
    const whole = await fetch(url);
    expect(whole.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    expect(Buffer.from(await whole.arrayBuffer()).equals(videoBytes)).toBe(true);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(videoBytes.length));
    const poster = await fetch(`${url}/poster`);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await poster.arrayBuffer()).equals(fs.readFileSync(sample.poster))).toBe(true);
  });

  it('answers 404 once the object is gone from the bucket', async () => {
    const { id } = await recorded('succeeded');
    await media.remove(`media/${id}.mp4`);
    expect((await fetch(`${server.url}/media/${id}`)).status).toBe(404);
  });

  it('counts the bucket’s files for the admin, and clean-up removes failed and orphaned objects there', async () => {
    const kept = await recorded('succeeded');
    const failed = await recorded('failed');
    const work = tempDir('reelbot-s3-web-orphan-');
    fs.writeFileSync(path.join(work, 'o.mp4'), 'orphan');
    await media.commit(path.join(work, 'o.mp4'), 'media/orphan.mp4');

    const stats = (await (await fetch(`${server.url}/api/admin/stats`, { headers: auth })).json()) as {
      disk: { files: number; bytes: number };
    };
    const listed = [];
    for await (const object of media.list('media/')) listed.push(object);
    expect(stats.disk.files).toBe(listed.length);
    expect(stats.disk.bytes).toBe(listed.reduce((sum, object) => sum + object.bytes, 0));

    // Every object is hours old by the gallery's clock, so unreferenced ones count as orphans.
    data.clock.now = Date.now() + 2 * 60 * 60 * 1000;
    const cleanup = await fetch(`${server.url}/api/admin/cleanup`, { method: 'POST', headers: auth });
    expect(cleanup.status).toBe(200);
    expect(await media.exists(`media/${failed.id}.mp4`)).toBe(false);
    expect(await media.exists(`media/${failed.id}.poster.jpg`)).toBe(false);
    expect(await media.exists('media/orphan.mp4')).toBe(false);
    expect(await media.exists(`media/${kept.id}.mp4`)).toBe(true);
    expect((await data.store.get(failed.id))!.media).toBeUndefined();
    // Nothing was ever written to DATA_DIR/media.
    expect(fs.readdirSync(path.join(data.dataDir, 'media'))).toEqual([]);
  });
});
