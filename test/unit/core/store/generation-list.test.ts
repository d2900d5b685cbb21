import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerationFilter, GenerationStore } from '../../../../src/core/generations/generation-store.js';
import type { Generation } from '../../../../src/core/generations/types.js';
import { fewMatches } from '../../../../src/core/store/generation-list.js';
import { createGenerationStore, migrations, openDatabase } from '../../../../src/core/store/index.js';
import { maxExpansions } from '../../../../src/core/store/search-terms.js';
import { freshStore, type StoreEngine, storeEngines } from '../../../support/store-engines.js';

const words = ['lighthouse', 'storm', 'lantern', 'harbor', 'fox', 'foxglove', 'neon', 'rain'];

/**
 * When each generation says it was created, by insertion order: in order, three to a millisecond (so
 * the id decides within one); mostly in order, with every 50th row dated far back (an import); or
 * in no order at all.
 */
const clocks = {
  'in time order': (i: number) => 1_000 + Math.floor(i / 3),
  'mostly in time order': (i: number) => (i % 50 === 49 ? 1_000 + i * 7 - 5_000 : 10_000 + i * 7),
  shuffled: (i: number) => 1_000 + ((i * 7_919) % 1_500),
};

/**
 * 1,500 generations: "the" is in every prompt (far more matches than {@link fewMatches}), "lighthouse"
 * in about one in eight, "lighthouse storm" together in a few dozen.
 */
async function seededStore(
  engine: StoreEngine,
  createdAt: (i: number) => number,
): Promise<{ store: GenerationStore; all: Generation[] }> {
  let now = 0;
  const store = (await freshStore(engine, () => now)).generations;
  let state = 7;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = 0; i < 1_500; i++) {
    now = createdAt(i);
    const picked = Array.from({ length: 3 }, () => words[Math.floor(random() * words.length)]);
    const generation = await store.insert({
      source: 'replicate',
      requester: { platform: i % 2 ? 'slack' : 'discord', userId: `u${i % 5}` },
      model: 'a/b',
      prompt: `The ${picked.join(', ')}!`,
      input: {},
    });
    if (i % 3 === 0) await store.update(generation.id, { status: 'failed' });
  }
  const all = (await store.list({}, { limit: 200 })).items;
  let next = (await store.list({}, { limit: 200 })).next;
  while (next) {
    const page = await store.list({}, { limit: 200, cursor: next });
    all.push(...page.items);
    next = page.next;
  }
  return { store, all };
}

/** Every id the store gives for `filter`, following cursors `limit` at a time. */
async function pageThrough(
  store: GenerationStore,
  filter: GenerationFilter,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  let page = await store.list(filter, { limit });
  ids.push(...page.items.map((g) => g.id));
  while (page.next) {
    page = await store.list(filter, { limit, cursor: page.next });
    expect(page.items.length).toBeGreaterThan(0);
    ids.push(...page.items.map((g) => g.id));
  }
  return ids;
}

/** What the search means, written out: every typed word starts some word of the prompt. */
function expected(all: Generation[], text: string, keep: (g: Generation) => boolean = () => true): string[] {
  const typed = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return all
    .filter((g) => {
      const promptWords = (g.prompt ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u);
      return keep(g) && typed.every((word) => promptWords.some((p) => p.startsWith(word)));
    })
    .map((g) => g.id);
}

const engines = storeEngines();
const cases = engines.flatMap((engine) =>
  (Object.keys(clocks) as (keyof typeof clocks)[]).map((order) => ({ engine, name: engine.name, order })),
);

describe.each(cases)('searching generations inserted $order on $name', async ({ engine, order }) => {
  const { store, all } = await seededStore(engine, clocks[order]);

  it('orders the unfiltered list newest first, ties broken by id', () => {
    expect(all).toHaveLength(1_500);
    const keys = all.map((g) => [g.createdAt, g.id] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
    expect(keys).toEqual(sorted);
  });

  it.each([
    ['a word in every prompt', 'the', 1_500],
    ['a common word', 'lighthouse', 200],
    ['a prefix that starts two words', 'fox', 200],
    ['a rare pair', 'lighthouse storm', 10],
    ['a rarer triple', 'storm lantern neon', 1],
  ])('pages through %s with cursors and finds exactly its matches', async (_name, text, atLeast) => {
    const want = expected(all, text);
    expect(want.length).toBeGreaterThanOrEqual(atLeast);
    for (const limit of [7, 48]) expect(await pageThrough(store, { search: text }, limit)).toEqual(want);
  });

  it('covers both plans: more matches than the few-matches bound, and fewer', () => {
    expect(expected(all, 'the').length).toBeGreaterThan(fewMatches);
    expect(expected(all, 'lighthouse storm').length).toBeLessThanOrEqual(fewMatches);
  });

  it('combines a search with the other filters under both plans', async () => {
    const failedSlack = (g: Generation) => g.status === 'failed' && g.requester.platform === 'slack';
    for (const text of ['the', 'lighthouse storm']) {
      const want = expected(all, text, failedSlack);
      expect(want.length).toBeGreaterThan(0);
      expect(await pageThrough(store, { search: text, status: 'failed', platform: 'slack' }, 5)).toEqual(
        want,
      );
    }
  });

  it('finds nothing for words no prompt has, or for nothing but punctuation', async () => {
    expect(await store.list({ search: 'zebra' })).toEqual({ items: [], next: undefined });
    expect(await store.list({ search: 'lighthouse zebra' })).toEqual({ items: [], next: undefined });
    expect(await store.list({ search: '"*()' })).toEqual({ items: [], next: undefined });
  });
});

// Rows in time order let a search prove its page from the newest matches alone; these two rows
// break that order from either side of the matches read and must still be on their page.
describe.each(engines.map((engine) => ({ engine, name: engine.name })))(
  'a search among rows in time order, with one out of it, on $name',
  ({ engine }) => {
    const lighthouse = (store: GenerationStore) =>
      store.insert({
        source: 'replicate',
        requester: { platform: 'discord', userId: 'u1' },
        model: 'a/b',
        prompt: 'a lighthouse at dusk',
        input: {},
      });

    it('finds a row inserted first but dated after all the rows inserted after it', async () => {
      let now = 1_000_000;
      const store = (await freshStore(engine, () => now)).generations;
      const early = await lighthouse(store);
      for (let i = 0; i < 300; i++) {
        now = 1_000 + 2 * i;
        await lighthouse(store);
      }
      const page = await store.list({ search: 'lighthouse' }, { limit: 48 });
      expect(page.items[0]?.id).toBe(early.id);
      expect(page.items.slice(1).map((g) => g.createdAt)).toEqual(
        Array.from({ length: 47 }, (_, i) => 1_000 + 2 * (299 - i)),
      );
    });

    it('finds a row inserted after a page was read, dated just below that page, on the next page', async () => {
      let now = 0;
      const store = (await freshStore(engine, () => now)).generations;
      for (let i = 0; i < 300; i++) {
        now = 1_000 + 2 * i;
        await lighthouse(store);
      }
      const first = await store.list({ search: 'lighthouse' }, { limit: 48 });
      now = first.items.at(-1)!.createdAt - 1;
      const late = await lighthouse(store);
      const second = await store.list({ search: 'lighthouse' }, { limit: 48, cursor: first.next });
      expect(second.items[0]?.id).toBe(late.id);
      expect(second.items[1]?.createdAt).toBe(late.createdAt - 1);
    });
  },
);

// SQLite's own: the rows a search cannot prove its page without walking the index for.
describe('marking generations inserted out of time order', () => {
  it('marks on insert what the migration marks in rows already there', async () => {
    const db = openDatabase(':memory:');
    let now = 0;
    const store = createGenerationStore(db, () => now);
    // In order, two level within a millisecond either way round, a step back, then in order again.
    for (const at of [10, 20, 30, 30, 30, 25, 40, 50, 5, 60]) {
      now = at;
      await store.insert({
        source: 'replicate',
        requester: { platform: 'discord', userId: 'u1' },
        model: 'a/b',
        prompt: 'p',
        input: {},
      });
    }
    const marked = () =>
      db.prepare('SELECT rowid FROM generations_out_of_order ORDER BY rowid').pluck().all() as number[];
    const byInsert = marked();
    const levelLower = db
      .prepare(
        `SELECT rowid FROM generations g WHERE created_at = 30 AND EXISTS (SELECT 1 FROM generations o
           WHERE o.created_at = 30 AND o.rowid < g.rowid AND o.id > g.id) ORDER BY rowid`,
      )
      .pluck()
      .all() as number[];
    expect(byInsert).toEqual([...levelLower, 6, 9]);
    db.exec(`DROP TRIGGER generations_out_of_order_insert; DROP TRIGGER generations_out_of_order_update;
      DROP TRIGGER generations_out_of_order_delete; DROP TABLE generations_out_of_order;`);
    db.exec(migrations.find((migration) => migration.version === 14)!.up);
    expect(marked()).toEqual(byInsert);
  });
});

// SQLite's own: prefixes widened through its FTS5 vocabulary table.
describe('searching by prefix through the index vocabulary', async () => {
  const store = createGenerationStore(openDatabase(':memory:'));
  // Forty words that start with "q": more than one prefix may be widened into.
  const manyQ = Array.from({ length: maxExpansions + 8 }, (_, i) => `q${i.toString(36)}x`);
  const prompts = [
    'Café lights over the harbor',
    'a cafeteria at night',
    'Über storm',
    'ubiquitous fog',
    'foxglove meadow',
    'the fox runs',
    ...manyQ.map((word) => `word ${word}`),
  ];
  const ids = new Map<string, string>();
  for (const prompt of prompts) {
    const generation = await store.insert({
      source: 'replicate',
      requester: { platform: 'discord', userId: 'u1' },
      model: 'a/b',
      prompt,
      input: {},
    });
    ids.set(prompt, generation.id);
  }
  const found = async (text: string) =>
    (await store.list({ search: text }, { limit: 200 })).items.map((g) => g.prompt).sort();

  it('widens a word to every indexed word it starts, and to no other', async () => {
    expect(await found('fox')).toEqual(['foxglove meadow', 'the fox runs']);
    expect(await found('foxg')).toEqual(['foxglove meadow']);
    expect(await found('caf')).toEqual(['Café lights over the harbor', 'a cafeteria at night']);
    expect(await found('fox meadow')).toEqual(['foxglove meadow']);
  });

  it('leaves words with accents and words that start too many terms to FTS5 prefixes', async () => {
    // The tokenizer folds "é" and "Ü": an accented word matches as FTS5 itself reads it.
    expect(await found('café')).toEqual(['Café lights over the harbor', 'a cafeteria at night']);
    expect(await found('über')).toEqual(['Über storm']);
    expect(await found('q')).toHaveLength(manyQ.length);
    expect(await found('q word')).toHaveLength(manyQ.length);
  });

  it('follows prompts that change and rows that go', async () => {
    await store.delete(ids.get('the fox runs')!);
    expect(await found('fox')).toEqual(['foxglove meadow']);
    // Searched before the word exists: what the vocabulary said then must not outlive the insert.
    expect(await found('foxt')).toEqual([]);
    const fresh = await store.insert({
      source: 'replicate',
      requester: { platform: 'discord', userId: 'u1' },
      model: 'a/b',
      prompt: 'foxtrot dancers',
      input: {},
    });
    expect(await found('foxt')).toEqual(['foxtrot dancers']);
    await store.delete(fresh.id);
    expect(await found('foxt')).toEqual([]);
  });
});

describe('searching while another process writes', () => {
  it('finds a word another connection just added, after searching for it in vain', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-search-'));
    const reader = openDatabase(dir);
    const writer = openDatabase(dir);
    try {
      const gallery = createGenerationStore(reader);
      const bot = createGenerationStore(writer);
      const found = async (text: string) => (await gallery.list({ search: text })).items.map((g) => g.prompt);
      const insert = (prompt: string) =>
        bot.insert({
          source: 'replicate',
          requester: { platform: 'discord', userId: 'u1' },
          model: 'a/b',
          prompt,
          input: {},
        });
      await insert('a zebra crossing');
      expect(await found('zeb')).toEqual(['a zebra crossing']);
      expect(await found('zep')).toEqual([]);
      await insert('a zephyr over the bay');
      expect(await found('zep')).toEqual(['a zephyr over the bay']);
      expect(await found('ze')).toEqual(['a zephyr over the bay', 'a zebra crossing']);
    } finally {
      reader.close();
      writer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
