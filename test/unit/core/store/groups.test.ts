import { describe, expect, it } from 'vitest';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

const requester = {
  platform: 'discord' as const,
  workspaceId: 'g1',
  channelId: 'c1',
  userId: 'u1',
  userName: 'Ann',
};

/** Groups (compare, batch): the same on both engines, and kept across a restart. */
describe.each(storeEngines())('group store on $name', (engine) => {
  it('records a group with its members in order, finds a member’s group, and keeps them across a reopen', async () => {
    const place = await engine.fresh();
    let now = 5_000;
    const store = await engine.open(place, () => now++);
    const a = await store.generations.insert({ source: 'replicate', requester, model: 'm/a', input: {} });
    const b = await store.generations.insert({ source: 'replicate', requester, model: 'm/b', input: {} });
    const group = await store.groups.insert({
      kind: 'compare',
      requester,
      prompt: 'a cat',
      memberIds: [b.id, a.id],
      messageRef: { channelId: 'c1', messageId: 'm1' },
      refused: [{ model: 'm/c', seed: 7, code: 'LIMIT_REACHED', reason: 'Too many.' }],
    });
    expect(group).toMatchObject({
      kind: 'compare',
      status: 'running',
      prompt: 'a cat',
      memberIds: [b.id, a.id],
      refused: [{ model: 'm/c', seed: 7, code: 'LIMIT_REACHED', reason: 'Too many.' }],
      requester,
      messageRef: { channelId: 'c1', messageId: 'm1' },
    });
    expect(group.id).toMatch(/^grp_/);
    expect(await store.groups.groupIdOf(a.id)).toBe(group.id);
    expect(await store.groups.groupIdOf('g_nope')).toBeUndefined();
    await store.close();

    const reopened = await engine.open(place, () => now++);
    expect(await reopened.groups.get(group.id)).toEqual(group);
    expect((await reopened.groups.listUnfinished()).map((g) => g.id)).toEqual([group.id]);
  });

  it('lets exactly one claim the grid, then keeps its media and leaves the unfinished list', async () => {
    const store = await freshStore(engine);
    const group = await store.groups.insert({ kind: 'batch', requester, memberIds: [] });
    const claims = await Promise.all([
      store.groups.transition(group.id, ['running'], { status: 'composing' }),
      store.groups.transition(group.id, ['running'], { status: 'composing' }),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const media = {
      path: 'media/grp.mp4',
      sha256: 'ab',
      bytes: 10,
      mime: 'video/mp4',
      width: 640,
      height: 360,
    };
    expect(await store.groups.transition(group.id, ['composing'], { status: 'succeeded', media })).toBe(true);
    expect(await store.groups.get(group.id)).toMatchObject({ status: 'succeeded', media });
    expect(await store.groups.listUnfinished()).toEqual([]);
    expect(await store.groups.transition(group.id, ['composing'], { status: 'failed', error: 'x' })).toBe(
      false,
    );
    expect(await store.groups.get('grp_nope')).toBeUndefined();
    expect(group.refused).toEqual([]);
  });

  it('lists a platform’s ended groups changed since a time, oldest first, for the catch-up at start', async () => {
    let now = 1_000;
    const store = await freshStore(engine, () => now);
    const slack = { ...requester, platform: 'slack' as const };
    const old = await store.groups.insert({ kind: 'batch', requester, memberIds: [] });
    await store.groups.transition(old.id, ['running'], { status: 'failed', error: 'x' });
    now = 2_000;
    const running = await store.groups.insert({ kind: 'batch', requester, memberIds: [] });
    const succeeded = await store.groups.insert({ kind: 'compare', requester, memberIds: [] });
    const failed = await store.groups.insert({ kind: 'batch', requester, memberIds: [] });
    const other = await store.groups.insert({ kind: 'batch', requester: slack, memberIds: [] });
    now = 3_000;
    await store.groups.transition(failed.id, ['running'], { status: 'failed', error: 'none' });
    now = 2_500;
    await store.groups.transition(succeeded.id, ['running'], { status: 'succeeded' });
    await store.groups.transition(other.id, ['running'], { status: 'succeeded' });

    expect((await store.groups.listEnded('discord', 2_000)).map((g) => g.id)).toEqual([
      succeeded.id,
      failed.id,
    ]);
    expect((await store.groups.listEnded('slack', 0)).map((g) => g.id)).toEqual([other.id]);
    expect((await store.groups.listEnded('discord', 0)).map((g) => g.id)).toContain(old.id);
    expect((await store.groups.listEnded('discord', 0)).map((g) => g.id)).not.toContain(running.id);
  });
});
