import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, UpstreamError } from '../../../../src/core/errors.js';
import { type CatalogOptions, createCatalog } from '../../../../src/core/replicate/catalog.js';
import { createReplicateApi, type ReplicateApi } from '../../../../src/core/replicate/client.js';
import { createCatalogCache, openDatabase } from '../../../../src/core/store/index.js';
import { type FakeReplicate, startFakeReplicate } from '../../../fakes/replicate/server.js';

let fake: FakeReplicate;
let now: number;
let logLines: { level: number; msg: string; collection?: string; key?: string }[];

beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(() => fake.close());
beforeEach(() => {
  now = 1_700_000_000_000;
  logLines = [];
  fake.state.faults.length = 0;
});

const ttlMs = 60_000;

function realApi(): ReplicateApi {
  return createReplicateApi({
    token: fake.state.token,
    apiUrl: fake.apiUrl,
    sleep: async () => {},
    retry: { maxAttempts: 2, baseDelayMs: 1 },
  });
}

function setup(overrides: Partial<CatalogOptions> = {}) {
  const db = openDatabase(':memory:');
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const catalog = createCatalog({
    api: realApi(),
    cache: createCatalogCache(db),
    ttlMs,
    logger,
    clock: () => now,
    ...overrides,
  });
  return { catalog, db };
}

function requestsTo(prefix: string, since: number): number {
  return fake.state.requests.slice(since).filter((r) => r.path.startsWith(prefix)).length;
}

/** The API, with collection requests held until the test lets them go. */
function heldApi() {
  const api = realApi();
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  return {
    api: {
      ...api,
      getCollection: async (slug: string) => {
        calls++;
        await gate;
        return api.getCollection(slug);
      },
    },
    release: () => release(),
    calls: () => calls,
  };
}

describe('catalog', () => {
  it('lists a collection, most run first, and caches it for the TTL', async () => {
    const { catalog } = setup();
    const before = fake.state.requests.length;
    const models = await catalog.listModels('image-to-video');
    expect(models.map((m) => m.ref)).toContain('minimax/video-01-live');
    expect(models.every((m) => m.collection === 'image-to-video' && m.needsImage)).toBe(true);
    expect(models.map((m) => m.runCount)).toEqual([...models.map((m) => m.runCount)].sort((a, b) => b - a));
    const live = models.find((m) => m.ref === 'minimax/video-01-live')!;
    expect(live).toMatchObject({ owner: 'minimax', name: 'video-01-live', versionId: expect.any(String) });

    const text = await catalog.listModels('text-to-video');
    expect(text.find((m) => m.ref === 'minimax/video-01')?.needsImage).toBe(false);

    now += ttlMs - 1;
    await catalog.listModels('image-to-video');
    expect(requestsTo('/v1/collections/image-to-video', before)).toBe(1);
    now += 2;
    await catalog.listModels('image-to-video');
    expect(requestsTo('/v1/collections/image-to-video', before)).toBe(2);
  });

  it('gives one model with its fields, from the listing it came with or from the API', async () => {
    const { catalog } = setup();
    let before = fake.state.requests.length;
    const direct = await catalog.getModel('lucataco/animate-diff');
    expect(requestsTo('/v1/models/lucataco/animate-diff', before)).toBe(1);
    expect(direct.model).toMatchObject({ ref: 'lucataco/animate-diff', collection: 'text-to-video' });
    expect(direct.versionId).toBe(direct.model.versionId);
    expect(direct.fields.map((f) => f.name)).toContain('motion_module');

    await catalog.listModels('image-to-video');
    before = fake.state.requests.length;
    const live = await catalog.getModel('minimax/video-01-live');
    expect(requestsTo('/v1/models/', before)).toBe(0);
    expect(live.model.needsImage).toBe(true);
    expect(live.fields.find((f) => f.name === 'first_frame_image')?.kind).toBe('image');
  });

  it('serves the stale copy with a warning when Replicate fails', async () => {
    const { catalog } = setup();
    const first = await catalog.listModels('text-to-video');
    now += ttlMs * 5;
    fake.inject({ pathPrefix: '/v1/collections/', status: 503, times: 10 });
    expect(await catalog.listModels('text-to-video')).toEqual(first);
    const warning = logLines.find((line) => line.level === 40);
    expect(warning?.msg).toBe('Replicate failed; serving the cached collection text-to-video');

    await catalog.getModel('minimax/video-01');
    now += ttlMs * 5;
    fake.inject({ pathPrefix: '/v1/models/', status: 502, times: 10 });
    expect((await catalog.getModel('minimax/video-01')).fields.length).toBe(3);
    expect(logLines.filter((line) => line.level === 40)).toHaveLength(2);
  });

  it('fails clearly when Replicate fails and nothing is cached', async () => {
    const { catalog } = setup();
    fake.inject({ pathPrefix: '/v1/collections/', status: 503, times: 10 });
    const error = await catalog.listModels('text-to-video').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toMatch(
      /Replicate failed while loading collection text-to-video, and nothing is cached/,
    );
    await expect(catalog.getModel('nobody/nothing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(catalog.getModel('not a ref')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('searches by name and description, best first', async () => {
    const { catalog } = setup();
    const all = await catalog.search('');
    expect(all.length).toBe(fake.state.models.size);
    expect(all.map((m) => m.runCount)).toEqual([...all.map((m) => m.runCount)].sort((a, b) => b - a));

    expect((await catalog.search('video-01')).map((m) => m.ref).slice(0, 2)).toEqual([
      'minimax/video-01',
      'minimax/video-01-live',
    ]);
    expect((await catalog.search('hunyuan')).map((m) => m.ref)).toEqual(['tencent/hunyuan-video']);
    expect((await catalog.search('MINIMAX live')).map((m) => m.ref)).toEqual(['minimax/video-01-live']);
    // Only the description says it: "animates an image".
    const animators = await catalog.search('animates');
    expect(animators.length).toBeGreaterThan(0);
    expect(animators.every((m) => m.needsImage)).toBe(true);
    expect(await catalog.search('animates', { collection: 'text-to-video' })).toEqual([]);
    expect(await catalog.search('', { limit: 2 })).toHaveLength(2);
    expect(await catalog.search('no such model anywhere')).toEqual([]);
  });

  it('answers search from the cache at once while a slow Replicate refreshes in the background', async () => {
    const db = openDatabase(':memory:');
    const cache = createCatalogCache(db);
    const warm = createCatalog({
      api: realApi(),
      cache,
      ttlMs,
      logger: pino({ level: 'silent' }),
      clock: () => now,
    });
    await warm.warm();

    now += ttlMs * 2;
    const held = heldApi();
    const catalog = createCatalog({
      api: held.api,
      cache,
      ttlMs,
      logger: pino({ level: 'silent' }),
      clock: () => now,
    });
    // Resolves although both collection requests are still held.
    const results = await catalog.search('minimax');
    expect(results.map((m) => m.ref)).toContain('minimax/video-01');
    expect(held.calls()).toBe(2);
    // A second search does not start another refresh while one is running.
    await catalog.search('minimax');
    expect(held.calls()).toBe(2);

    const before = fake.state.requests.length;
    held.release();
    await catalog.listModels('text-to-video');
    await catalog.listModels('image-to-video');
    expect(requestsTo('/v1/collections/', before)).toBe(2);
  });

  it('gives up waiting after the timeout when nothing is cached and Replicate is slow', async () => {
    const held = heldApi();
    const { catalog } = setup({ api: held.api });
    expect(await catalog.search('minimax', { timeoutMs: 5 })).toEqual([]);
    held.release();
    await catalog.listModels('text-to-video');
    expect((await catalog.search('minimax', { timeoutMs: 5 })).length).toBeGreaterThan(0);
  });

  it('keeps search alive and logs when the background refresh fails', async () => {
    const { catalog } = setup();
    await catalog.warm();
    now += ttlMs * 2;
    fake.inject({ pathPrefix: '/v1/collections/', status: 500, times: 10 });
    expect((await catalog.search('hunyuan')).map((m) => m.ref)).toEqual(['tencent/hunyuan-video']);
    await expect.poll(() => logLines.filter((l) => l.level === 40).length).toBe(2);
    expect(logLines.find((l) => l.level === 40)?.msg).toBe('Replicate failed; search answers from the cache');
  });
});
