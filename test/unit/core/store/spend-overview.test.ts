import { describe, expect, it } from 'vitest';
import { dayMs } from '../../../../src/core/generations/spend/day.js';
import { operatorUsage } from '../../../../src/core/generations/spend/overview.js';
import type { Requester } from '../../../../src/core/generations/types.js';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

const day0 = Date.UTC(2026, 10, 1);
const ada: Requester = {
  platform: 'discord',
  workspaceId: 'g1',
  channelId: 'c1',
  userId: 'ada',
  userName: 'Ada',
};
const bob: Requester = {
  platform: 'slack',
  workspaceId: 'T1',
  channelId: 'C1',
  userId: 'bob',
  userName: 'Bob',
};
const dm: Requester = { platform: 'discord', userId: 'cy', userName: 'Cy' };

describe.each(storeEngines())('the operator’s spend overview on $name', (engine) => {
  it('sums 30 UTC days, ranks users, models and servers by dollars then seconds, and counts refusals by reason', async () => {
    const clock = { now: day0 };
    const store = await freshStore(engine, () => clock.now);
    const { generations: ledger } = store;
    const made = async (
      at: number,
      requester: Requester,
      model: string,
      spend: { predictTime?: number; costUsd?: number; cpuSeconds?: number },
      status: 'succeeded' | 'failed' = 'succeeded',
    ) => {
      clock.now = at;
      const g = await ledger.insert({
        source: model === 'physics' ? 'simulation' : 'replicate',
        requester,
        model,
        input: {},
      });
      await ledger.recordSpend(g.id, spend);
      await ledger.update(g.id, { status });
    };
    // Before the 30 days: left out.
    await made(day0 - 5 * dayMs, ada, 'a/old', { predictTime: 1000, costUsd: 100 });
    const first = day0 + 29 * dayMs - 30 * dayMs + dayMs; // the first day of the span ending day0+29
    await made(first + 1000, ada, 'a/cheap', { predictTime: 10, costUsd: 0.5 });
    await made(first + 2000, ada, 'a/cheap', { predictTime: 20, costUsd: 1 }, 'failed');
    await made(day0 + 10 * dayMs, bob, 'b/dear', { predictTime: 40, costUsd: 4 });
    await made(day0 + 10 * dayMs + 5, dm, 'c/unpriced', { predictTime: 100 });
    await made(day0 + 29 * dayMs + 7, bob, 'physics', { cpuSeconds: 3 });

    const refuse = async (at: number, code: string) =>
      store.refusals.recordRefusal({
        at,
        platform: 'discord',
        workspaceId: 'g1',
        userId: 'ada',
        model: 'a/cheap',
        code,
      });
    await refuse(day0 - 5 * dayMs, 'QUOTA_REACHED');
    await refuse(day0 + 3 * dayMs, 'QUOTA_REACHED');
    await refuse(day0 + 4 * dayMs, 'QUOTA_REACHED');
    await refuse(day0 + 5 * dayMs, 'PROMPT_BLOCKED');

    const usage = await operatorUsage(store.spendOverview, day0 + 29 * dayMs + 100);
    expect(usage.days).toHaveLength(30);
    expect(usage.days[0]!.day).toBe(first);
    expect(usage.days[29]!.day).toBe(day0 + 29 * dayMs);
    expect(usage.days[0]).toMatchObject({ costUsd: 1.5, gpuSeconds: 30, videos: 1 });
    const tenth = usage.days.find((d) => d.day === day0 + 10 * dayMs)!;
    expect(tenth).toMatchObject({ costUsd: 4, gpuSeconds: 140, videos: 2, unpriced: 1 });
    expect(usage.days[29]).toMatchObject({ simulations: 1, cpuSeconds: 3, costUsd: 0 });
    expect(usage.days[1]).toEqual({
      day: first + dayMs,
      costUsd: 0,
      gpuSeconds: 0,
      videos: 0,
      unpriced: 0,
      simulations: 0,
      cpuSeconds: 0,
    });
    expect(usage.total).toMatchObject({ costUsd: 5.5, gpuSeconds: 170, videos: 3, simulations: 1 });

    expect(usage.topUsers.map((u) => [u.platform, u.id, u.name, u.costUsd])).toEqual([
      ['slack', 'bob', 'Bob', 4],
      ['discord', 'ada', 'Ada', 1.5],
      ['discord', 'cy', 'Cy', 0],
    ]);
    // Equal dollars (none) are ranked by seconds: the unpriced model's 100 s before physics' 0.
    expect(usage.topModels.map((m) => m.id)).toEqual(['b/dear', 'a/cheap', 'c/unpriced', 'physics']);
    expect(usage.topServers.map((s) => [s.platform, s.id, s.costUsd])).toEqual([
      ['slack', 'T1', 4],
      ['discord', 'g1', 1.5],
    ]);
    expect(usage.refusals).toEqual([
      { code: 'QUOTA_REACHED', count: 2, lastAt: day0 + 4 * dayMs },
      { code: 'PROMPT_BLOCKED', count: 1, lastAt: day0 + 5 * dayMs },
    ]);
    const top1 = await operatorUsage(store.spendOverview, day0 + 29 * dayMs, { top: 1 });
    expect(top1.topUsers.map((u) => u.id)).toEqual(['bob']);

    // Pruning drops what is older than the cut, and only that.
    expect(await store.refusals.pruneRefusals(day0)).toBe(1);
    expect(await store.refusals.pruneRefusals(day0)).toBe(0);
  });

  it('keeps operator sessions until they expire, and lets a sign-in secret be taken once', async () => {
    const store = await freshStore(engine);
    const sessions = store.operatorSessions;
    await sessions.put('h1', 'session', 2000, 1000);
    await sessions.put('t1', 'sign-in', 2000, 1000);
    expect(await sessions.isLive('h1', 'session', 1500)).toBe(true);
    expect(await sessions.isLive('h1', 'sign-in', 1500)).toBe(false);
    expect(await sessions.isLive('h1', 'session', 2000)).toBe(false);
    expect(await sessions.take('t1', 'session', 1500)).toBe(false);
    const takes = await Promise.all([
      sessions.take('t1', 'sign-in', 1500),
      sessions.take('t1', 'sign-in', 1500),
    ]);
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect(await sessions.take('h1', 'session', 1500)).toBe(true);
    expect(await sessions.isLive('h1', 'session', 1500)).toBe(false);
  });
});
