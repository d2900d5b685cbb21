import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ada, rawRequest, useSeededGallery } from '../../support/web-gallery.js';

const gallery = useSeededGallery();
let videoBytes: Buffer;

beforeAll(() => {
  videoBytes = fs.readFileSync(gallery.sample.video);
});

describe('GET /media/:id', () => {
  it('serves the whole video with type, length, ETag from sha256 and cache headers', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toBe(`"${gallery.seeded.fox.media!.sha256}"`);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(response.headers.get('content-disposition')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer()).equals(videoBytes)).toBe(true);
  });

  it('answers a byte range with 206 and exactly those bytes', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`, {
      headers: { Range: 'bytes=100-199' },
    });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100-199/${videoBytes.length}`);
    expect(response.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await response.arrayBuffer()).equals(videoBytes.subarray(100, 200))).toBe(true);
  });

  it('answers open-ended and suffix ranges', async () => {
    const tail = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`, {
      headers: { Range: 'bytes=-10' },
    });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(videoBytes.subarray(-10))).toBe(true);
    const from = videoBytes.length - 5;
    const open = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`, {
      headers: { Range: `bytes=${from}-` },
    });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(
      `bytes ${from}-${videoBytes.length - 1}/${videoBytes.length}`,
    );
    expect((await open.arrayBuffer()).byteLength).toBe(5);
  });

  it('answers a range past the end with 416', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`, {
      headers: { Range: `bytes=${videoBytes.length}-` },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${videoBytes.length}`);
  });

  it('answers a matching If-None-Match with 304', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`, {
      headers: { 'If-None-Match': `"${gallery.seeded.fox.media!.sha256}"` },
    });
    expect(response.status).toBe(304);
  });

  it('ignores a Range whose If-Range names another version', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`, {
      headers: { Range: 'bytes=0-9', 'If-Range': '"someothertag"' },
    });
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(videoBytes.length);
  });

  it('compares If-Range strongly: a weak ETag, even the current one, gets the whole file', async () => {
    const url = `${gallery.server.url}/media/${gallery.seeded.fox.id}/poster`;
    const first = await fetch(url);
    const poster = Buffer.from(await first.arrayBuffer());
    const weak = first.headers.get('etag')!;
    expect(weak).toMatch(/^W\//);
    const response = await fetch(url, { headers: { Range: 'bytes=0-9', 'If-Range': weak } });
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(poster.length);
  });

  it('serves the range when If-Range names the current strong ETag', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}`, {
      headers: { Range: 'bytes=0-9', 'If-Range': `"${gallery.seeded.fox.media!.sha256}"` },
    });
    expect(response.status).toBe(206);
    expect((await response.arrayBuffer()).byteLength).toBe(10);
  });

  it('offers a download with a sensible file name', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}?download=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="reelbot-minimax-video-01-${gallery.seeded.fox.id}.mp4"`,
    );
    await response.arrayBuffer();
  });

  it('answers HEAD with headers only', async () => {
    const response = await rawRequest(gallery.server.url, `/media/${gallery.seeded.fox.id}`, {
      method: 'HEAD',
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String(videoBytes.length));
    expect(response.body.length).toBe(0);
  });

  it('serves the poster as a JPEG', async () => {
    const response = await fetch(`${gallery.server.url}/media/${gallery.seeded.fox.id}/poster`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
  });

  it('answers 404 for unknown ids, generations without media and missing posters', async () => {
    expect((await fetch(`${gallery.server.url}/media/g_doesnotexist`)).status).toBe(404);
    expect((await fetch(`${gallery.server.url}/media/${gallery.seeded.failed.id}`)).status).toBe(404);
    expect((await fetch(`${gallery.server.url}/media/${gallery.seeded.boxes.id}/poster`)).status).toBe(404);
  });

  it('answers 404 when the recorded file is gone', async () => {
    const gone = await gallery.data.store.insert({
      source: 'replicate',
      requester: ada,
      model: 'a/b',
      input: {},
    });
    await gallery.data.store.update(gone.id, {
      status: 'succeeded',
      media: { path: `media/${gone.id}.mp4`, sha256: '', bytes: 1, mime: 'video/mp4' },
    });
    const response = await fetch(`${gallery.server.url}/media/${gone.id}`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(gallery.data.dataDir);
  });

  it('never lets a request path reach the file system', async () => {
    fs.writeFileSync(path.join(gallery.data.dataDir, 'secret.mp4'), 'not for you');
    const attempts = [
      '/media/../reelbot.sqlite',
      '/media/..%2freelbot.sqlite',
      '/media/..%2F..%2F..%2Fetc%2Fpasswd',
      '/media/%2e%2e%2fsecret.mp4',
      '/media/..%5csecret.mp4',
      '/media/%00',
      '/media/..',
      `/media/${gallery.seeded.fox.id}%2f..%2f..%2fsecret.mp4`,
      '/media//etc/passwd',
    ];
    for (const attempt of attempts) {
      const response = await rawRequest(gallery.server.url, attempt);
      expect([400, 404], attempt).toContain(response.status);
      expect(response.body.toString(), attempt).not.toContain('not for you');
      expect(response.body.toString(), attempt).not.toContain('root:');
    }
  });

  it('refuses store paths that point outside DATA_DIR or at non-media files', async () => {
    const outside = path.join(
      path.dirname(gallery.data.dataDir),
      `outside-${path.basename(gallery.data.dataDir)}.mp4`,
    );
    fs.writeFileSync(outside, 'outside');
    for (const stored of [
      `../${path.basename(outside)}`,
      outside,
      'reelbot.sqlite',
      'media/../../etc/passwd',
    ]) {
      const row = await gallery.data.store.insert({
        source: 'replicate',
        requester: ada,
        model: 'a/b',
        input: {},
      });
      await gallery.data.store.update(row.id, {
        status: 'succeeded',
        media: { path: stored, posterPath: stored, sha256: '', bytes: 1, mime: 'video/mp4' },
      });
      expect((await fetch(`${gallery.server.url}/media/${row.id}`)).status, stored).toBe(404);
      expect((await fetch(`${gallery.server.url}/media/${row.id}/poster`)).status, stored).toBe(404);
    }
    fs.rmSync(outside);
  });
});
