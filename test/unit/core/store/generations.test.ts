import { describe, expect, it } from 'vitest';
import type { Place } from '../../../../src/core/access/place.js';
import { migrations, webhookReplayWindowMs } from '../../../../src/core/store/index.js';
import { placeModelsQuery } from '../../../../src/core/store/place-models.js';
import { postgresMigrations } from '../../../../src/core/store/postgres/index.js';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

const requester = {
  platform: 'discord' as const,
  workspaceId: 'g1',
  channelId: 'c1',
  userId: 'u1',
  userName: 'Ada',
};

describe.each(storeEngines())('generation store on $name', (engine) => {
  const open = async (clock?: () => number) => (await freshStore(engine, clock)).generations;

  it('applies migrations once and keeps data across reopen', async () => {
    const place = await engine.fresh();
    const first = await engine.open(place);
    await first.generations.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: { prompt: 'x' },
    });
    await first.close();
    const second = await engine.open(place);
    const versions = await engine.inspect(place, 'SELECT version FROM schema_migrations ORDER BY version');
    const list = engine.name === 'sqlite' ? migrations : postgresMigrations;
    expect(versions).toEqual(list.map((migration) => ({ version: migration.version })));
    expect((await second.generations.list()).items).toHaveLength(1);
  });

  it('keeps origins, chains and the joined video across a reopen', async () => {
    const place = await engine.fresh();
    const first = (await engine.open(place)).generations;
    const root = await first.insert({ source: 'replicate', requester, model: 'a/b', input: {} });
    const part2 = await first.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      origin: { kind: 'extend', generationId: root.id },
      chainId: root.id,
    });
    await first.update(root.id, { chainId: root.id });
    const edited = await first.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      origin: { kind: 'edit', generationId: part2.id },
    });
    const joined = {
      path: `media/${part2.id}.joined.mp4`,
      sha256: 'cd',
      bytes: 20,
      mime: 'video/mp4',
      durationSeconds: 3,
    };
    await first.update(part2.id, { joinedMedia: joined });
    const second = (await engine.open(place)).generations;
    expect((await second.get(part2.id))!).toMatchObject({
      origin: { kind: 'extend', generationId: root.id },
      chainId: root.id,
      joinedMedia: joined,
    });
    expect((await second.get(edited.id))!.origin).toEqual({ kind: 'edit', generationId: part2.id });
    expect((await second.get(edited.id))!.chainId).toBeUndefined();
    expect((await second.chain(root.id)).map((g) => g.id)).toEqual([root.id, part2.id]);
    await second.update(part2.id, { joinedMedia: null });
    expect((await second.get(part2.id))!.joinedMedia).toBeUndefined();
  });

  it('counts the finished parts of several chains in one read', async () => {
    const store = await open();
    const part = async (chainId: string | undefined, status: 'succeeded' | 'failed') => {
      const made = await store.insert({
        source: 'replicate',
        requester,
        model: 'a/b',
        input: {},
        chainId,
        status,
      });
      // A chain's first part carries the chain's id, its own, once the chain has a second part.
      if (!chainId) await store.update(made.id, { chainId: made.id });
      return made;
    };
    const first = await part(undefined, 'succeeded');
    await part(first.id, 'succeeded');
    await part(first.id, 'failed');
    await part(first.id, 'succeeded');
    const second = await part(undefined, 'succeeded');
    const unfinished = await part(undefined, 'failed');

    const counts = await store.finishedChainParts([first.id, second.id, unfinished.id, 'g_nochain']);
    expect(Object.fromEntries(counts)).toEqual({ [first.id]: 3, [second.id]: 1 });
    expect(await store.finishedChainParts([])).toEqual(new Map());
  });

  it('round-trips a generation with its media and message reference', async () => {
    const store = await open();
    const created = await store.insert({
      source: 'replicate',
      requester,
      model: 'minimax/video-01',
      prompt: 'a cat',
      input: { prompt: 'a cat', duration: 6 },
      messageRef: { interactionToken: 't', messageId: 'm' },
    });
    await store.update(created.id, {
      status: 'succeeded',
      media: {
        path: 'media/x.mp4',
        sha256: 'ab',
        bytes: 10,
        mime: 'video/mp4',
        width: 64,
        height: 48,
        durationSeconds: 1.5,
      },
    });
    const loaded = (await store.get(created.id))!;
    expect(loaded.requester).toEqual(requester);
    expect(loaded.input).toEqual({ prompt: 'a cat', duration: 6 });
    expect(loaded.media?.durationSeconds).toBe(1.5);
    expect(loaded.messageRef).toEqual({ interactionToken: 't', messageId: 'm' });
  });

  it('keeps the age-restricted moderation categories of a generation, and none when it has none', async () => {
    const store = await open();
    const marked = await store.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      prompt: 'a portrait',
      input: {},
      restrictedCategories: ['sexual'],
    });
    const plain = await store.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      restrictedCategories: [],
    });
    expect(marked.restrictedCategories).toEqual(['sexual']);
    expect((await store.get(marked.id))?.restrictedCategories).toEqual(['sexual']);
    expect((await store.list()).items.find((g) => g.id === marked.id)?.restrictedCategories).toEqual([
      'sexual',
    ]);
    expect((await store.get(plain.id))?.restrictedCategories).toBeUndefined();
  });

  it('lets exactly one of two racing transitions win', async () => {
    const store = await open();
    const { id } = await store.insert({ source: 'replicate', requester, model: 'a/b', input: {} });
    expect(await store.transition(id, ['queued'], { status: 'starting' })).toBe(true);
    expect(await store.transition(id, ['queued'], { status: 'starting' })).toBe(false);
    expect((await store.get(id))?.status).toBe('starting');
  });

  it('gives a download claim to one worker, keeps it while it beats, and hands it over once the beats stop', async () => {
    let now = 1_000_000;
    const store = await open(() => now);
    const { id } = await store.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      status: 'processing',
    });
    const lease = 10_000;
    expect(await store.claimDownload(id, 'worker-a', lease)).toEqual({ claimed: true });
    // Beating every few seconds keeps the claim long past one lease.
    for (let i = 0; i < 10; i++) {
      now += 3_000;
      expect(await store.beatDownload(id, 'worker-a')).toBe(true);
      expect(await store.claimDownload(id, 'worker-b', lease)).toEqual({
        claimed: false,
        holder: { owner: 'worker-a', heartbeatAt: now },
      });
    }
    expect(await store.liveDownloadOwners(lease)).toEqual(new Set(['worker-a']));
    // worker-a dies: one lease after its last beat, the claim is free to take.
    now += lease;
    expect(await store.claimDownload(id, 'worker-b', lease)).toMatchObject({ claimed: false });
    now += 1;
    expect(await store.liveDownloadOwners(lease)).toEqual(new Set());
    expect(await store.claimDownload(id, 'worker-b', lease)).toEqual({
      claimed: true,
      takenFrom: 'worker-a',
    });
    expect(await store.internals(id)).toMatchObject({
      downloadClaim: 'worker-b',
      downloadHeartbeatAt: now,
      downloadAttempts: 2,
    });
    // worker-a wakes up: its beat tells it the claim is gone, and a release of its own does nothing.
    expect(await store.beatDownload(id, 'worker-a')).toBe(false);
    await store.releaseDownload(id, 'worker-a');
    expect((await store.internals(id))?.downloadClaim).toBe('worker-b');
    await store.releaseDownload(id, 'worker-b');
    expect(await store.internals(id)).toMatchObject({
      downloadClaim: undefined,
      downloadHeartbeatAt: undefined,
    });
  });

  it('lets exactly one of two processes take over a lapsed claim', async () => {
    let now = 1_000_000;
    const place = await engine.fresh();
    // Two connections to one database, as two processes have.
    const first = (await engine.open(place, () => now)).generations;
    const second = (await engine.open(place, () => now)).generations;
    const { id } = await first.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      status: 'processing',
    });
    expect((await first.claimDownload(id, 'dead', 10_000)).claimed).toBe(true);
    now += 10_001;
    // At once: on PostgreSQL the two UPDATEs really meet at the row.
    const results = await Promise.all([
      first.claimDownload(id, 'worker-b', 10_000),
      second.claimDownload(id, 'worker-c', 10_000),
    ]);
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    const winner = results[0]!.claimed ? 'worker-b' : 'worker-c';
    expect((await second.internals(id))?.downloadClaim).toBe(winner);
  });

  it('refuses a claim on a generation that has ended', async () => {
    const store = await open();
    const { id } = await store.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      status: 'canceled',
    });
    expect(await store.claimDownload(id, 'worker-a', 10_000)).toEqual({ claimed: false });
    expect(await store.claimDownload('g_missing', 'worker-a', 10_000)).toEqual({ claimed: false });
  });

  it('pages newest first with a keyset cursor and filters by status, model and prompt text', async () => {
    let now = 0;
    const store = await open(() => ++now);
    for (let i = 0; i < 5; i++) {
      await store.insert({
        source: i % 2 ? 'simulation' : 'replicate',
        requester,
        model: i % 2 ? 'physics' : 'a/b',
        prompt: i === 3 ? 'A tower of red boxes' : `prompt ${i}`,
        input: {},
      });
    }
    const first = await store.list({}, { limit: 2 });
    expect(first.items.map((g) => g.prompt)).toEqual(['prompt 4', 'A tower of red boxes']);
    const second = await store.list({}, { limit: 2, cursor: first.next });
    expect(second.items.map((g) => g.prompt)).toEqual(['prompt 2', 'prompt 1']);
    const third = await store.list({}, { limit: 2, cursor: second.next });
    expect(third.items.map((g) => g.prompt)).toEqual(['prompt 0']);
    expect(third.next).toBeUndefined();
    expect((await store.list({ source: 'simulation' })).items).toHaveLength(2);
    expect((await store.list({ search: 'tow' })).items.map((g) => g.prompt)).toEqual([
      'A tower of red boxes',
    ]);
    expect((await store.list({ search: '"); DROP TABLE' })).items).toEqual([]);
    expect(await store.countRunning({ platform: 'discord', userId: 'u1' })).toBe(5);
  });

  it('names each model once, in order, for the gallery filter', async () => {
    const store = await open();
    expect(await store.models()).toEqual([]);
    for (const model of ['wan/t2v', 'a/b', 'physics', 'a/b', 'wan/t2v', 'a/bc'])
      await store.insert({ source: 'replicate', requester, model, input: {} });
    expect(await store.models()).toEqual(['a/b', 'a/bc', 'physics', 'wan/t2v']);
  });

  it("names only one place's models when asked for that place, as its gallery link sees them", async () => {
    const store = await open();
    const slack = { platform: 'slack' as const, workspaceId: 't1', userId: 'u2', userName: 'Bob' };
    const rows: [Parameters<typeof store.insert>[0]['requester'], string][] = [
      [requester, 'wan/t2v'],
      [requester, 'a/b'],
      [{ ...requester, workspaceId: 'g2' }, 'other/server'],
      [{ ...requester, workspaceId: undefined, channelId: 'dm1' }, 'discord/dm'],
      [{ ...slack, channelId: 'C1' }, 'a/b'],
      [{ ...slack, channelId: 'C1' }, 'slack/server'],
      // A Slack DM keeps its team id, but belongs to its person, not the workspace.
      [{ ...slack, channelId: 'D1' }, 'slack/dm'],
      [{ platform: 'cli', userId: 'local', userName: 'local' }, 'physics'],
    ];
    for (const [who, model] of rows)
      await store.insert({ source: 'replicate', requester: who, model, input: {} });
    expect(await store.models({ kind: 'server', platform: 'discord', workspaceId: 'g1' })).toEqual([
      'a/b',
      'wan/t2v',
    ]);
    expect(await store.models({ kind: 'server', platform: 'slack', workspaceId: 't1' })).toEqual([
      'a/b',
      'slack/server',
    ]);
    expect(await store.models({ kind: 'dm', platform: 'slack', userId: 'u2' })).toEqual(['slack/dm']);
    expect(await store.models({ kind: 'dm', platform: 'discord', userId: 'u1' })).toEqual(['discord/dm']);
    expect(await store.models({ kind: 'operator' })).toEqual(['physics']);
    expect(await store.models({ kind: 'server', platform: 'discord', workspaceId: 'nobody' })).toEqual([]);
    expect(await store.models()).toHaveLength(7);
  });

  it("reads a server's models from the place's models index, in its order, without a sort", async () => {
    const place = await engine.fresh();
    const store = (await engine.open(place)).generations;
    for (const [workspaceId, model] of [
      ['g1', 'wan/t2v'],
      ['g1', 'a/b'],
      ['g2', 'other/server'],
    ] as const)
      await store.insert({ source: 'replicate', requester: { ...requester, workspaceId }, model, input: {} });
    const servers: Place[] = [
      { kind: 'server', platform: 'discord', workspaceId: 'g1' },
      // Slack's rule reads the channel too (a DM keeps its team id): still the index alone.
      { kind: 'server', platform: 'slack', workspaceId: 't1' },
    ];
    for (const server of servers) {
      // The store's own query, its parameters written in as literals for EXPLAIN.
      const query = placeModelsQuery(server);
      const text = query.sql.replace(/@(\w+)/g, (_, name: string) => `'${query.params[name]}'`);
      const plan = await engine.plan(place, text);
      expect(plan).toContain('generations_place_models');
      // Distinct and ordered straight from the index: no sort step of the rows found.
      if (engine.name === 'sqlite') {
        expect(plan).toContain('COVERING INDEX generations_place_models');
        expect(plan).not.toContain('TEMP B-TREE');
      } else {
        expect(plan).toContain('Index Only Scan using generations_place_models');
        expect(plan).not.toMatch(/\bSort\b/);
      }
    }
  });

  it('ignores a replayed webhook delivery', async () => {
    const store = await open();
    expect(await store.seenWebhook('msg_1')).toBe(false);
    expect(await store.rememberWebhook('msg_1')).toBe(true);
    expect(await store.seenWebhook('msg_1')).toBe(true);
    expect(await store.rememberWebhook('msg_1')).toBe(false);
  });

  it('forgets webhook delivery ids once they are older than the replay window, by an index', async () => {
    let now = 10 * webhookReplayWindowMs;
    const place = await engine.fresh();
    const store = (await engine.open(place, () => now)).generations;
    await store.rememberWebhook('msg_old');
    now += webhookReplayWindowMs / 2;
    await store.rememberWebhook('msg_recent');
    now += webhookReplayWindowMs / 2 + 1;
    // Recording a new id prunes on the way (at most once a minute).
    await store.rememberWebhook('msg_new');
    expect(await store.seenWebhook('msg_old')).toBe(false);
    expect(await store.seenWebhook('msg_recent')).toBe(true);
    expect(await store.seenWebhook('msg_new')).toBe(true);
    now += webhookReplayWindowMs + 1;
    expect(await store.pruneWebhooks()).toBe(2);
    expect(await engine.plan(place, 'DELETE FROM webhook_deliveries WHERE received_at < 0')).toContain(
      'webhook_deliveries_received',
    );
  });
});
