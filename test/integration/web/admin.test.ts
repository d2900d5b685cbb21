import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeleteDeps, deleteGeneration } from '../../../src/core/generations/delete.js';
import type { GenerationService } from '../../../src/core/generations/service-types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createMediaStorage } from '../../../src/core/media/configured-storage.js';
import {
  adminToken,
  attachMedia,
  bob,
  closeTestServer,
  createTestData,
  makeSampleMedia,
  seedGallery,
  startTestServer,
  type TestData,
} from '../../support/web-gallery.js';

let sample: { video: string; poster: string };
let data: TestData;
let seeded: Awaited<ReturnType<typeof seedGallery>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
const canceled: { id: string; by: { userId: string; admin?: boolean } }[] = [];

const auth = { Authorization: `Bearer ${adminToken}` };
const exists = (stored: string) => fs.existsSync(path.join(data.dataDir, stored));

function setAge(stored: string, mtimeMs: number) {
  const full = path.join(data.dataDir, stored);
  fs.utimesSync(full, mtimeMs / 1000, mtimeMs / 1000);
}

beforeAll(async () => {
  sample = await makeSampleMedia();
  data = createTestData();
  seeded = await seedGallery(data, sample);
  // The core's own delete, with a cancel that ends the generation the way the real one does.
  const deps: DeleteDeps = {
    store: data.store,
    storage: createMediaStorage(data.config),
    logger: silentLogger(),
    async cancel(id, by) {
      canceled.push({ id, by });
      await data.store.transition(id, ['queued', 'starting', 'processing', 'downloading'], {
        status: 'canceled',
      });
      return (await data.store.get(id))!;
    },
  };
  const service: Pick<GenerationService, 'delete'> = { delete: (id, by) => deleteGeneration(deps, id, by) };
  server = await startTestServer(data, { service });
});

afterAll(() => closeTestServer(server, data));

describe('admin authentication', () => {
  it('answers 401 without the right bearer token', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong-token-wrong-token' },
      { Authorization: `Bearer ${adminToken}x` },
      { Authorization: `Basic ${Buffer.from(`admin:${adminToken}`).toString('base64')}` },
      { Authorization: adminToken },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/api/admin/stats`, { headers });
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const del = await fetch(`${server.url}/api/admin/generations/${seeded.fox.id}`, { method: 'DELETE' });
    expect(del.status).toBe(401);
    expect(await data.store.get(seeded.fox.id)).toBeDefined();
  });

  it('does not exist when no ADMIN_TOKEN is configured', async () => {
    const open = createTestData({ adminToken: '' });
    expect(open.config.adminToken).toBeUndefined();
    const openServer = await startTestServer(open);
    try {
      for (const [method, url] of [
        ['GET', '/api/admin/stats'],
        ['POST', '/api/admin/cleanup?dry_run=1'],
        ['DELETE', '/api/admin/generations/g_x'],
      ] as const) {
        const response = await fetch(`${openServer.url}${url}`, {
          method,
          headers: { Authorization: 'Bearer ' },
        });
        expect(response.status, url).toBe(404);
      }
    } finally {
      await openServer.close();
      open.db.close();
    }
  });
});

describe('GET /api/admin/stats', () => {
  it('counts generations and bytes by status, and files on disk', async () => {
    const response = await fetch(`${server.url}/api/admin/stats`, { headers: auth });
    expect(response.status).toBe(200);
    const stats = (await response.json()) as {
      byStatus: { status: string; count: number; bytes: number }[];
      total: { count: number; bytes: number };
      disk: { files: number; bytes: number };
    };
    const size = fs.statSync(sample.video).size;
    expect(stats.byStatus).toEqual(
      expect.arrayContaining([
        { status: 'succeeded', count: 2, bytes: 2 * size },
        { status: 'failed', count: 1, bytes: 0 },
        { status: 'processing', count: 1, bytes: 0 },
      ]),
    );
    expect(stats.total.count).toBe(5);
    expect(stats.disk.files).toBe(3);
    expect(stats.disk.bytes).toBe(2 * size + fs.statSync(sample.poster).size);
  });
});

describe('POST /api/admin/cleanup', () => {
  it('lists failed generations’ files and old orphans in a dry run, then deletes them', async () => {
    const failedWithFiles = await data.store.insert({
      source: 'replicate',
      requester: bob,
      model: 'a/b',
      input: {},
    });
    await attachMedia(data, sample, failedWithFiles.id);
    await data.store.update(failedWithFiles.id, { status: 'failed', error: 'post-processing failed' });
    fs.writeFileSync(path.join(data.dataDir, 'media/orphan-old.mp4'), 'old orphan');
    setAge('media/orphan-old.mp4', data.clock.now - 2 * 60 * 60 * 1000);
    fs.mkdirSync(path.join(data.dataDir, 'media/nested'));
    fs.writeFileSync(path.join(data.dataDir, 'media/nested/left.part'), 'stale temp');
    setAge('media/nested/left.part', data.clock.now - 3 * 60 * 60 * 1000);
    fs.writeFileSync(path.join(data.dataDir, 'media/orphan-fresh.mp4'), 'just renamed in');
    // A compare's grid belongs to its group, however old.
    fs.writeFileSync(path.join(data.dataDir, 'media/grp_abc.mp4'), 'a grid');
    setAge('media/grp_abc.mp4', data.clock.now - 5 * 60 * 60 * 1000);
    setAge('media/orphan-fresh.mp4', data.clock.now - 60 * 1000);
    for (const file of [`media/${seeded.fox.id}.mp4`, `media/${seeded.fox.id}.jpg`])
      setAge(file, data.clock.now - 5 * 60 * 60 * 1000);

    const dry = await fetch(`${server.url}/api/admin/cleanup?dry_run=1`, { method: 'POST', headers: auth });
    expect(dry.status).toBe(200);
    const plan = (await dry.json()) as {
      dryRun: boolean;
      deleted: boolean;
      failed: { id: string; files: { path: string }[] }[];
      orphans: { path: string; bytes: number }[];
      files: number;
    };
    expect(plan.dryRun).toBe(true);
    expect(plan.deleted).toBe(false);
    expect(plan.failed).toEqual([
      {
        id: failedWithFiles.id,
        files: [
          { path: `media/${failedWithFiles.id}.mp4`, bytes: fs.statSync(sample.video).size },
          { path: `media/${failedWithFiles.id}.jpg`, bytes: fs.statSync(sample.poster).size },
        ],
      },
    ]);
    expect(plan.orphans.map((file) => file.path).sort()).toEqual([
      'media/nested/left.part',
      'media/orphan-old.mp4',
    ]);
    expect(plan.files).toBe(4);
    for (const file of ['media/orphan-old.mp4', 'media/nested/left.part', `media/${failedWithFiles.id}.mp4`])
      expect(exists(file), file).toBe(true);

    const real = await fetch(`${server.url}/api/admin/cleanup`, { method: 'POST', headers: auth });
    expect(real.status).toBe(200);
    expect(((await real.json()) as { deleted: boolean }).deleted).toBe(true);
    for (const file of ['media/orphan-old.mp4', 'media/nested/left.part', `media/${failedWithFiles.id}.mp4`])
      expect(exists(file), file).toBe(false);
    expect((await data.store.get(failedWithFiles.id))!.media).toBeUndefined();
    for (const file of [
      'media/orphan-fresh.mp4',
      'media/grp_abc.mp4',
      `media/${seeded.fox.id}.mp4`,
      `media/${seeded.fox.id}.jpg`,
    ])
      expect(exists(file), file).toBe(true);
    expect(exists('reelbot.sqlite')).toBe(true);
  });
});

describe('DELETE /api/admin/generations/:id', () => {
  it('deletes the row and its files', async () => {
    const response = await fetch(`${server.url}/api/admin/generations/${seeded.boxes.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      deleted: seeded.boxes.id,
      files: [`media/${seeded.boxes.id}.mp4`],
    });
    expect(await data.store.get(seeded.boxes.id)).toBeUndefined();
    expect(exists(`media/${seeded.boxes.id}.mp4`)).toBe(false);
    expect((await fetch(`${server.url}/g/${seeded.boxes.id}`)).status).toBe(404);
  });

  it('cancels a running generation through the service first', async () => {
    const response = await fetch(`${server.url}/api/admin/generations/${seeded.running.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(response.status).toBe(200);
    expect(canceled).toEqual([{ id: seeded.running.id, by: { userId: 'operator', admin: true } }]);
    expect(await data.store.get(seeded.running.id)).toBeUndefined();
  });

  it('refuses to delete when no generation service is at hand', async () => {
    const bare = await startTestServer(data);
    try {
      const running = await data.store.insert({
        source: 'replicate',
        requester: bob,
        model: 'a/b',
        input: {},
      });
      const response = await fetch(`${bare.url}/api/admin/generations/${running.id}`, {
        method: 'DELETE',
        headers: auth,
      });
      expect(response.status).toBe(409);
      expect(await data.store.get(running.id)).toBeDefined();
    } finally {
      await bare.close();
    }
  });

  it('answers 404 for unknown ids', async () => {
    const response = await fetch(`${server.url}/api/admin/generations/g_nothing`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(response.status).toBe(404);
  });
});
