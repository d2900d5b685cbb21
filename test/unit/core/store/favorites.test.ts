import { describe, expect, it } from 'vitest';
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
});
