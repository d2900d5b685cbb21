import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGenerationStore, migrations, openDatabase } from '../../../../src/core/store/index.js';

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
  it('applies migrations once and keeps data across reopen', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-store-'));
    const first = openDatabase(dir);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    createGenerationStore(first).insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: { prompt: 'x' },
    });
    first.close();
    const second = openDatabase(dir);
    const versions = second.prepare('SELECT version FROM schema_migrations').all();
    expect(versions).toEqual(migrations.map((migration) => ({ version: migration.version })));
    expect(createGenerationStore(second).list().items).toHaveLength(1);
    second.close();
  });

  it('round-trips a generation with its media and message reference', () => {
    const store = freshStore();
    const created = store.insert({
      source: 'replicate',
      requester,
      model: 'minimax/video-01',
      prompt: 'a cat',
      input: { prompt: 'a cat', duration: 6 },
      messageRef: { interactionToken: 't', messageId: 'm' },
    });
    store.update(created.id, {
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
    const loaded = store.get(created.id)!;
    expect(loaded.requester).toEqual(requester);
    expect(loaded.input).toEqual({ prompt: 'a cat', duration: 6 });
    expect(loaded.media?.durationSeconds).toBe(1.5);
    expect(loaded.messageRef).toEqual({ interactionToken: 't', messageId: 'm' });
  });

  it('lets exactly one of two racing transitions win', () => {
    const store = freshStore();
    const { id } = store.insert({ source: 'replicate', requester, model: 'a/b', input: {} });
    expect(store.transition(id, ['queued'], { status: 'starting' })).toBe(true);
    expect(store.transition(id, ['queued'], { status: 'starting' })).toBe(false);
    expect(store.get(id)?.status).toBe('starting');
  });

  it('gives a download claim to one worker, and again only once it is stale', () => {
    let now = 1_000_000;
    const store = freshStore(() => now);
    const { id } = store.insert({
      source: 'replicate',
      requester,
      model: 'a/b',
      input: {},
      status: 'processing',
    });
    expect(store.claimDownload(id, 'worker-a', 60_000)).toBe(true);
    expect(store.claimDownload(id, 'worker-b', 60_000)).toBe(false);
    now += 61_000;
    expect(store.claimDownload(id, 'worker-b', 60_000)).toBe(true);
    expect(store.internals(id)).toMatchObject({ downloadClaim: 'worker-b', downloadAttempts: 2 });
  });

  it('pages newest first with a keyset cursor and filters by status, model and prompt text', () => {
    let now = 0;
    const store = freshStore(() => ++now);
    for (let i = 0; i < 5; i++) {
      store.insert({
        source: i % 2 ? 'simulation' : 'replicate',
        requester,
        model: i % 2 ? 'physics' : 'a/b',
        prompt: i === 3 ? 'A tower of red boxes' : `prompt ${i}`,
        input: {},
      });
    }
    const first = store.list({}, { limit: 2 });
    expect(first.items.map((g) => g.prompt)).toEqual(['prompt 4', 'A tower of red boxes']);
    const second = store.list({}, { limit: 2, cursor: first.next });
    expect(second.items.map((g) => g.prompt)).toEqual(['prompt 2', 'prompt 1']);
    const third = store.list({}, { limit: 2, cursor: second.next });
    expect(third.items.map((g) => g.prompt)).toEqual(['prompt 0']);
    expect(third.next).toBeUndefined();
    expect(store.list({ source: 'simulation' }).items).toHaveLength(2);
    expect(store.list({ search: 'tow' }).items.map((g) => g.prompt)).toEqual(['A tower of red boxes']);
    expect(store.list({ search: '"); DROP TABLE' }).items).toEqual([]);
    expect(store.countRunning({ platform: 'discord', userId: 'u1' })).toBe(5);
  });

  it('ignores a replayed webhook delivery', () => {
    const store = freshStore();
    expect(store.rememberWebhook('msg_1')).toBe(true);
    expect(store.rememberWebhook('msg_1')).toBe(false);
  });
});
