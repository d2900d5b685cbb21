import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogCache, openDatabase } from '../../../src/core/store/index.js';
import { type FakeReplicate, startFakeReplicate } from '../../fakes/replicate/server.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-models-'));
let fake: FakeReplicate;

beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(async () => {
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function reelbot(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)('node_modules/.bin/tsx', ['src/cli.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('reelbot models', () => {
  it('lists and searches the catalog of the Replicate it is pointed at', async () => {
    const env = { REPLICATE_API_URL: fake.apiUrl, REPLICATE_API_TOKEN: fake.state.token };
    const listed = await reelbot(env, 'models', '--collection', 'image-to-video', '--json');
    expect(listed.code).toBe(0);
    const models = JSON.parse(listed.stdout) as { ref: string; needsImage: boolean }[];
    expect(models.map((m) => m.ref)).toContain('minimax/video-01-live');
    expect(models.every((m) => m.needsImage)).toBe(true);

    const found = await reelbot(env, 'models', '--search', 'hunyuan');
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/^tencent\/hunyuan-video\s+\d[\d,]* runs/);

    // The catalog is cached in DATA_DIR. Age it past the TTL, then let Replicate refuse: the cached
    // list still shows, with a warning. (403, because 5xx would be retried with real back-off.)
    const db = openDatabase(dataDir);
    const cache = createCatalogCache(db);
    const key = 'collection:image-to-video';
    await cache.set(key, {
      ...(await cache.get<{ fetchedAt: number; data: unknown }>(key))!.value,
      fetchedAt: 0,
    });
    db.close();
    fake.inject({ pathPrefix: '/v1/collections/', status: 403, times: 1 });
    const stale = await reelbot(env, 'models', '--collection', 'image-to-video', '--json');
    expect(stale.code).toBe(0);
    expect(stale.stderr).toContain('Replicate failed; serving the cached collection image-to-video');
    expect(JSON.parse(stale.stdout)).toEqual(models);
  });

  it('says what to set when there is no token, and refuses unknown collections', async () => {
    const noToken = await reelbot({}, 'models');
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('REPLICATE_API_TOKEN');
    const wrong = await reelbot({ REPLICATE_API_TOKEN: 'r8_x' }, 'models', '--collection', 'text-to-image');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('text-to-video, image-to-video');
  });
});
