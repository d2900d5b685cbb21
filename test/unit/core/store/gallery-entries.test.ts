import { describe, expect, it } from 'vitest';
import type { GenerationFilter } from '../../../../src/core/generations/generation-store.js';
import type { Generation, GenerationStatus } from '../../../../src/core/generations/types.js';
import type { Store } from '../../../../src/core/store/store.js';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

const requester = { platform: 'discord' as const, workspaceId: 'w1', channelId: 'c1', userId: 'u1' };

/**
 * A history of 28 generations, oldest first: plain clips, two chains of extends (three finished
 * parts and a failed one; two finished parts), a finished compare of three models, a finished batch
 * of two and a compare still running. The gallery shows 22 entries.
 */
async function seedHistory(store: Store) {
  const made: Generation[] = [];
  async function make(model = 'm/plain', status: GenerationStatus = 'succeeded', chainId?: string) {
    const generation = await store.generations.insert({
      source: 'replicate',
      requester,
      model,
      prompt: `clip ${made.length}`,
      input: {},
      ...(chainId ? { chainId } : {}),
    });
    await store.generations.update(generation.id, { status });
    made.push({ ...generation, status });
    return generation;
  }
  const plain = async (n: number) => {
    for (let i = 0; i < n; i++) await make();
  };
  async function chain(statuses: GenerationStatus[]) {
    const first = await make('m/chain');
    await store.generations.update(first.id, { chainId: first.id });
    const parts = [first];
    for (const status of statuses) parts.push(await make('m/chain', status, first.id));
    return parts;
  }
  async function group(kind: 'compare' | 'batch', models: string[], finished: boolean) {
    const members = [];
    for (const model of models) members.push(await make(model));
    const created = await store.groups.insert({
      kind,
      requester,
      prompt: 'one prompt',
      memberIds: members.map((m) => m.id),
    });
    if (finished) await store.groups.transition(created.id, ['running'], { status: 'succeeded' });
    return { group: created, members };
  }

  await plain(3);
  const longChain = await chain(['succeeded', 'failed', 'succeeded']); // parts 1, 2, (failed), 4
  await plain(2);
  const compare = await group('compare', ['m/a', 'm/b', 'm/c'], true);
  await plain(4);
  const shortChain = await chain(['succeeded']);
  const batch = await group('batch', ['m/a', 'm/a'], true);
  const running = await group('compare', ['m/a', 'm/b'], false);
  await plain(5);
  await plain(1);
  return { made, longChain, shortChain, compare, batch, running };
}

/** Every page of `limit` entries, newest first, by following the cursor. */
async function pages(store: Store, filter: GenerationFilter, limit: number): Promise<string[][]> {
  const all: string[][] = [];
  let page = await store.generations.list(filter, { limit });
  all.push(page.items.map((g) => g.id));
  while (page.next) {
    page = await store.generations.list(filter, { limit, cursor: page.next });
    all.push(page.items.map((g) => g.id));
  }
  return all;
}

const entries = { foldChains: true, foldGroups: true } satisfies GenerationFilter;

describe.each(storeEngines())('gallery entries on $name', (engine) => {
  it('folds chains and finished groups in the query, so every page but the last is full and no entry repeats', async () => {
    let now = 1_000;
    const store = await freshStore(engine, () => now++);
    const { made, longChain, shortChain, compare, batch, running } = await seedHistory(store);
    const hidden = new Set([
      longChain[0]!.id,
      longChain[1]!.id,
      shortChain[0]!.id,
      compare.members[0]!.id,
      compare.members[1]!.id,
      batch.members[0]!.id,
    ]);
    const expected = made
      .map((g) => g.id)
      .filter((id) => !hidden.has(id))
      .reverse();
    expect(expected).toHaveLength(22);
    // The failed part and the running group's members show on their own.
    expect(expected).toContain(longChain[2]!.id);
    expect(expected).toEqual(expect.arrayContaining(running.members.map((m) => m.id)));

    for (const limit of [4, 5, 7]) {
      const paged = await pages(store, entries, limit);
      for (const page of paged.slice(0, -1)) expect(page).toHaveLength(limit);
      expect(paged.flat()).toEqual(expected);
    }
    // A search folds the same way (SQLite reads the newest matches first, then pages those).
    expect((await pages(store, { ...entries, search: 'clip' }, 5)).flat()).toEqual(expected);
    // Without folding, the store lists every generation.
    expect((await pages(store, {}, 7)).flat()).toHaveLength(made.length);
  });

  it('shows a group where its newest member passing the filter is, and a chain as its newest finished part', async () => {
    let now = 1_000;
    const store = await freshStore(engine, () => now++);
    const { longChain, compare } = await seedHistory(store);
    const byModel = (await pages(store, { ...entries, model: 'm/b' }, 10)).flat();
    expect(byModel).toContain(compare.members[1]!.id);
    expect(byModel).not.toContain(compare.members[2]!.id);

    const failed = (await pages(store, { ...entries, status: 'failed' }, 10)).flat();
    expect(failed).toEqual([longChain[2]!.id]);
    const chainOnly = (await pages(store, { ...entries, model: 'm/chain', status: 'succeeded' }, 2)).flat();
    expect(chainOnly).toHaveLength(2);
    expect(chainOnly).toContain(longChain[3]!.id);
  });

  it('reads the groups of a page’s generations with their members in one call', async () => {
    let now = 1_000;
    const store = await freshStore(engine, () => now++);
    const { made, compare, batch } = await seedHistory(store);
    const found = await store.groups.groupsOf([compare.members[2]!.id, made[0]!.id, batch.members[1]!.id]);
    expect([...found.keys()]).toEqual([compare.members[2]!.id, batch.members[1]!.id]);
    expect(found.get(compare.members[2]!.id)).toMatchObject({
      id: compare.group.id,
      status: 'succeeded',
      memberIds: compare.members.map((m) => m.id),
    });
    expect(found.get(batch.members[1]!.id)?.memberIds).toEqual(batch.members.map((m) => m.id));
    expect(await store.groups.groupsOf([])).toEqual(new Map());
  });
});
