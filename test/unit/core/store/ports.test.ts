import { describe, expect, it } from 'vitest';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

const requester = { platform: 'discord' as const, workspaceId: 'g1', channelId: 'c1', userId: 'u1' };

/** The rest of the store's ports, the same on both engines. */
describe.each(storeEngines())('store ports on $name', (engine) => {
  it('finds a generation by its prediction, lists the unfinished oldest first, and deletes', async () => {
    let now = 1_000;
    const store = (await freshStore(engine, () => now++)).generations;
    const a = await store.insert({ source: 'replicate', requester, model: 'm/b', input: {} });
    const b = await store.insert({ source: 'simulation', requester, model: 'm/a', input: {} });
    const c = await store.insert({ source: 'replicate', requester, model: 'm/b', input: {} });
    await store.update(a.id, { predictionId: 'p_1', status: 'processing', startedAt: 5 });
    await store.update(c.id, { status: 'succeeded', completedAt: 9 });
    expect((await store.getByPrediction('p_1'))?.id).toBe(a.id);
    expect(await store.getByPrediction('p_2')).toBeUndefined();
    expect((await store.listUnfinished()).map((g) => g.id)).toEqual([a.id, b.id]);
    expect(await store.countRunning()).toBe(2);
    expect(await store.countRunning({ platform: 'slack' })).toBe(0);
    // A server's own (its most jobs at once).
    expect(await store.countRunning({ platform: 'discord', workspaceId: 'g1' })).toBe(2);
    expect(await store.countRunning({ platform: 'discord', workspaceId: 'g2' })).toBe(0);
    expect(await store.models()).toEqual(['m/a', 'm/b']);
    expect(await store.delete(b.id)).toBe(true);
    expect(await store.delete(b.id)).toBe(false);
    expect(await store.get(b.id)).toBeUndefined();
  });

  it('sums media bytes by status, and clears a field with null', async () => {
    const store = (await freshStore(engine)).generations;
    const media = { path: 'media/a.mp4', sha256: 'ab', bytes: 3_000_000_000, mime: 'video/mp4' };
    for (let i = 0; i < 2; i++) {
      const g = await store.insert({ source: 'replicate', requester, model: 'm/b', input: {} });
      await store.update(g.id, { status: 'succeeded', media, error: 'x' });
      await store.update(g.id, { error: null, cancelRequested: true });
      expect(await store.get(g.id)).toMatchObject({ error: undefined, media });
      expect((await store.internals(g.id))?.cancelRequested).toBe(true);
    }
    await store.insert({ source: 'replicate', requester, model: 'm/b', input: {} });
    const stats = await store.stats();
    expect(stats.sort((x, y) => x.status.localeCompare(y.status))).toEqual([
      { status: 'queued', count: 1, bytes: 0 },
      { status: 'succeeded', count: 2, bytes: 6_000_000_000 },
    ]);
  });

  it("keeps spend with each generation and sums a person's and a server's usage, failures given back", async () => {
    let now = 10_000;
    const store = (await freshStore(engine, () => now)).generations;
    const video = async (userId: string, status: 'succeeded' | 'failed', spend: Record<string, number>) => {
      const g = await store.insert({
        source: 'replicate',
        requester: { ...requester, userId },
        model: 'm/b',
        input: {},
      });
      await store.update(g.id, { status });
      await store.recordSpend(g.id, { ...spend, other: { total_time: 3 } });
      return g;
    };
    const first = await video('u1', 'succeeded', { predictTime: 10.5, costUsd: 0.25 });
    // Fields left out keep what was recorded before.
    await store.recordSpend(first.id, { costUsd: 0.5 });
    await video('u1', 'succeeded', { predictTime: 4 });
    await video('u1', 'failed', { predictTime: 100, costUsd: 9 });
    await video('u2', 'succeeded', { predictTime: 1, costUsd: 1 });
    const sim = await store.insert({ source: 'simulation', requester, model: 'physics', input: {} });
    await store.recordSpend(sim.id, { cpuSeconds: 2.5 });
    now = 20_000;
    await video('u1', 'succeeded', { predictTime: 7, costUsd: 7 });

    expect(await store.usageSince({ platform: 'discord', userId: 'u1' }, 0)).toEqual({
      videos: 3,
      gpuSeconds: 21.5,
      costUsd: 7.5,
      unpriced: 1,
      simulations: 1,
      cpuSeconds: 2.5,
    });
    expect(await store.usageSince({ platform: 'discord', workspaceId: 'g1' }, 15_000)).toMatchObject({
      videos: 1,
      costUsd: 7,
    });
    expect(await store.usageSince({ platform: 'slack' }, 0)).toMatchObject({ videos: 0, costUsd: 0 });
    expect((await store.get(first.id))?.metrics).toEqual({ predictTime: 10.5, other: { total_time: 3 } });
    expect((await store.get(first.id))?.costUsd).toBe(0.5);
  });

  it('caches catalog answers by key, replaces them, and lists a prefix taken literally', async () => {
    let now = 1;
    const cache = (await freshStore(engine, () => now)).catalogCache;
    expect(await cache.get('model:a/b')).toBeUndefined();
    await cache.set('model:a/b', { name: 'b' });
    now = 2;
    await cache.set('model:a/b', { name: 'b2' });
    await cache.set('model:a/c', { name: 'c' });
    await cache.set('model_x', { name: 'x' });
    expect(await cache.get('model:a/b')).toEqual({ value: { name: 'b2' }, fetchedAt: 2 });
    const listed = await cache.list<{ name: string }>('model:');
    expect(listed.map((entry) => entry.value.name).sort()).toEqual(['b2', 'c']);
    // `_` and `%` are LIKE wildcards; a prefix holding them must still mean itself.
    expect((await cache.list<{ name: string }>('model_')).map((entry) => entry.value.name)).toEqual(['x']);
    expect(await cache.list('model%')).toEqual([]);
  });

  it('remembers revoked links until they would have expired', async () => {
    let now = 1_000;
    const links = (await freshStore(engine, () => now)).revokedLinks;
    await links.revoke('sig-a', 5_000);
    await links.revoke('sig-a', 5_000);
    await links.revoke('sig-b', 50_000);
    expect(await links.isRevoked('sig-a')).toBe(true);
    expect(await links.isRevoked('sig-c')).toBe(false);
    now = 6_000;
    // Recording one deletes those past their expiry: sig-a can no longer be used anyway.
    await links.revoke('sig-c', 60_000);
    expect(await links.isRevoked('sig-a')).toBe(false);
    expect(await links.isRevoked('sig-b')).toBe(true);
  });

  it('lets exactly one of many racing transitions from two processes win', async () => {
    const place = await engine.fresh();
    const processes = [await engine.open(place), await engine.open(place)];
    const { id } = await processes[0]!.generations.insert({
      source: 'replicate',
      requester,
      model: 'm/b',
      input: {},
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        processes[i % 2]!.generations.transition(id, ['queued'], {
          status: 'starting',
          lastLog: `racer ${i}`,
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await processes[1]!.generations.get(id))?.lastLog).toBe(`racer ${winner}`);
  });
});
