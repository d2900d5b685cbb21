import { describe, expect, it } from 'vitest';
import type { GenerationCursor } from '../../../../src/core/generations/generation-store.js';
import { storeEngines } from '../../../support/store-engines.js';

const requester = { platform: 'discord' as const, workspaceId: 'g1', channelId: 'c1', userId: 'u1' };
const ada = { platform: 'discord' as const, userId: 'u1' };
const bob = { platform: 'discord' as const, userId: 'u2' };
// The same id on another platform is another person.
const slackAda = { platform: 'slack' as const, userId: 'u1' };

describe.each(storeEngines())('favorites on $name', (engine) => {
  it('toggles per person, counts, filters the list, and survives a reopen', async () => {
    const place = await engine.fresh();
    let store = await engine.open(place);
    const video = () => store.generations.insert({ source: 'replicate', requester, model: 'm/a', input: {} });
    const [a, b, c] = [await video(), await video(), await video()];

    expect(await store.favorites.toggle(ada, a.id)).toBe(true);
    expect(await store.favorites.toggle(ada, b.id)).toBe(true);
    expect(await store.favorites.toggle(bob, a.id)).toBe(true);
    expect(await store.favorites.set(ada, a.id, true)).toBe(true); // marking twice is one favorite
    expect(await store.favorites.has(ada, a.id)).toBe(true);
    expect(await store.favorites.has(slackAda, a.id)).toBe(false);
    expect(await store.favorites.toggle(ada, b.id)).toBe(false);
    expect(await store.favorites.has(ada, b.id)).toBe(false);

    store = await engine.open(place);
    expect(await store.favorites.has(ada, a.id)).toBe(true);
    expect(await store.favorites.counts([a.id, b.id, c.id])).toEqual(new Map([[a.id, 2]]));
    expect(await store.favorites.counts([])).toEqual(new Map());
    const ids = async (filter: Parameters<typeof store.generations.list>[0]) =>
      (await store.generations.list(filter)).items.map((g) => g.id);
    expect(await ids({ favoriteOf: ada })).toEqual([a.id]);
    expect(await ids({ favoriteOf: slackAda })).toEqual([]);
    expect(await ids({ favoriteOf: bob, model: 'm/a' })).toEqual([a.id]);
    expect(await ids({ favoriteOf: bob, model: 'm/other' })).toEqual([]);

    // A deleted video takes its favorites with it.
    expect(await store.generations.delete(a.id)).toBe(true);
    expect(await store.favorites.counts([a.id])).toEqual(new Map());
    expect(await store.favorites.has(bob, a.id)).toBe(false);
  });

  it('lists what anyone favorited in a place, most favorited first, then newest, page by page', async () => {
    let now = 1_000;
    const store = await engine.open(await engine.fresh(), () => now);
    const video = async (prompt: string, where = requester) => {
      now += 1_000;
      return store.generations.insert({
        source: 'replicate',
        requester: where,
        model: 'm/a',
        prompt,
        input: {},
      });
    };
    const once = await video('a kite once');
    const twice = await video('a kite twice');
    const thrice = await video('a boat thrice');
    const alsoOnce = await video('a kite also once');
    await video('a kite nobody liked');
    const elsewhere = await video('a kite in another server', { ...requester, workspaceId: 'g2' });
    const carol = { platform: 'slack' as const, userId: 'u3' };
    for (const fan of [ada, bob, carol]) await store.favorites.set(fan, thrice.id, true);
    for (const fan of [ada, bob]) await store.favorites.set(fan, twice.id, true);
    await store.favorites.set(bob, once.id, true);
    await store.favorites.set(ada, alsoOnce.id, true);
    for (const fan of [ada, bob, carol, slackAda]) await store.favorites.set(fan, elsewhere.id, true);

    const server = { kind: 'server' as const, platform: 'discord' as const, workspaceId: 'g1' };
    const ids = (page: { items: { id: string }[] }) => page.items.map((g) => g.id);
    const all = await store.generations.list({ favorited: true, place: server });
    expect(ids(all)).toEqual([thrice.id, twice.id, alsoOnce.id, once.id]);
    expect(all.next).toBeUndefined();

    // Pages of one follow the same order, the count carried in the cursor.
    const seen: string[] = [];
    let cursor: GenerationCursor | undefined;
    do {
      const page = await store.generations.list({ favorited: true, place: server }, { cursor, limit: 1 });
      seen.push(...ids(page));
      cursor = page.next;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([thrice.id, twice.id, alsoOnce.id, once.id]);

    expect(ids(await store.generations.list({ favorited: true, place: server, search: 'kite' }))).toEqual([
      twice.id,
      alsoOnce.id,
      once.id,
    ]);
    // Without a place (the operator), every server's favorites, the most marked first.
    expect(ids(await store.generations.list({ favorited: true }))[0]).toBe(elsewhere.id);
  });
});
