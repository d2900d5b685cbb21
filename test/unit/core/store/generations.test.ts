import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createGenerationStore,
  migrations,
  openDatabase,
  webhookReplayWindowMs,
} from '../../../../src/core/store/index.js';

const requester = {
  platform: 'discord' as const,
  workspaceId: 'g1',
  channelId: 'c1',
  userId: 'u1',
  userName: 'Ada',
};

function freshStore(clock?: () => number) {
  return createGenerationStore(openDatabase(':memory:'), clock);
}

describe('generation store', () => {
  it('applies migrations once and keeps data across reopen', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-store-'));
    const first = openDatabase(dir);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    await createGenerationStore(first).insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: { prompt: 'x' },
    });
    first.close();
    const second = openDatabase(dir);
    const versions = second.prepare('SELECT version FROM schema_migrations').all();
    expect(versions).toEqual(migrations.map((migration) => ({ version: migration.version })));
    expect((await createGenerationStore(second).list()).items).toHaveLength(1);
    second.close();
  });

  it('round-trips a generation with its media and message reference', async () => {
    const store = freshStore();
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

  it('lets exactly one of two racing transitions win', async () => {
    const store = freshStore();
    const { id } = await store.insert({ source: 'replicate', requester, model: 'a/b', input: {} });
    expect(await store.transition(id, ['queued'], { status: 'starting' })).toBe(true);
    expect(await store.transition(id, ['queued'], { status: 'starting' })).toBe(false);
    expect((await store.get(id))?.status).toBe('starting');
  });

  it('gives a download claim to one worker, keeps it while it beats, and hands it over once the beats stop', async () => {
    let now = 1_000_000;
    const store = freshStore(() => now);
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
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-claims-'));
    // Two connections to one file, as two processes have.
    const first = createGenerationStore(openDatabase(dataDir), () => now);
    const second = createGenerationStore(openDatabase(dataDir), () => now);
    const { id } = await first.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      status: 'processing',
    });
    expect((await first.claimDownload(id, 'dead', 10_000)).claimed).toBe(true);
    now += 10_001;
    const results = [
      await first.claimDownload(id, 'worker-b', 10_000),
      await second.claimDownload(id, 'worker-c', 10_000),
    ];
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect((await first.internals(id))?.downloadClaim).toBe('worker-b');
  });

  it('refuses a claim on a generation that has ended', async () => {
    const store = freshStore();
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
    const store = freshStore(() => ++now);
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
    const store = freshStore();
    expect(await store.models()).toEqual([]);
    for (const model of ['wan/t2v', 'a/b', 'physics', 'a/b', 'wan/t2v', 'a/bc'])
      await store.insert({ source: 'replicate', requester, model, input: {} });
    expect(await store.models()).toEqual(['a/b', 'a/bc', 'physics', 'wan/t2v']);
  });

  it('ignores a replayed webhook delivery', async () => {
    const store = freshStore();
    expect(await store.seenWebhook('msg_1')).toBe(false);
    expect(await store.rememberWebhook('msg_1')).toBe(true);
    expect(await store.seenWebhook('msg_1')).toBe(true);
    expect(await store.rememberWebhook('msg_1')).toBe(false);
  });

  it('forgets webhook delivery ids once they are older than the replay window, by an index', async () => {
    let now = 10 * webhookReplayWindowMs;
    const db = openDatabase(':memory:');
    const store = createGenerationStore(db, () => now);
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
    const plan = db
      .prepare('EXPLAIN QUERY PLAN DELETE FROM webhook_deliveries WHERE received_at < ?')
      .all(0) as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toContain('webhook_deliveries_received');
  });
});
