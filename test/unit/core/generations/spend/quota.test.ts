import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QuotaError } from '../../../../../src/core/errors.js';
import { createLimitsFor } from '../../../../../src/core/generations/spend/limits.js';
import { assertWithinQuota } from '../../../../../src/core/generations/spend/quota.js';
import type { Requester } from '../../../../../src/core/generations/types.js';
import { createGenerationStore, openDatabase } from '../../../../../src/core/store/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-quota-'));
const db = openDatabase(dir);
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let now = Date.UTC(2026, 11, 2, 18, 0, 0);
const store = createGenerationStore(db, () => now);
const inGuild = (userId: string, workspaceId = 'G1'): Requester => ({
  platform: 'discord',
  workspaceId,
  userId,
});

async function made(
  requester: Requester,
  spend: { predictTime: number; costUsd?: number },
  status = 'succeeded' as const,
) {
  const g = await store.insert({ source: 'replicate', requester, model: 'a/video', input: {}, status });
  await store.recordSpend(g.id, spend);
  return g;
}

async function refusal(
  requester: Requester,
  limits: Awaited<ReturnType<ReturnType<typeof createLimitsFor>>>,
): Promise<QuotaError | undefined> {
  try {
    await assertWithinQuota(store, requester, limits, now);
    return undefined;
  } catch (error) {
    if (error instanceof QuotaError) return error;
    throw error;
  }
}

describe('server budgets', () => {
  const limitsFor = createLimitsFor({
    dailyVideosPerUser: 0,
    dailyGpuSecondsPerServer: 100,
    dailyUsdPerServer: 0.5,
  });

  it('refuse once the server has used its GPU seconds or its dollars today, and say so', async () => {
    await made(inGuild('ann'), { predictTime: 60, costUsd: 0.1 });
    expect(await refusal(inGuild('bo'), await limitsFor(inGuild('bo')))).toBeUndefined();
    // A canceled one is given back, whatever it used.
    await made(inGuild('bo'), { predictTime: 500, costUsd: 5 }, 'canceled' as never);
    expect(await refusal(inGuild('bo'), await limitsFor(inGuild('bo')))).toBeUndefined();
    await made(inGuild('bo'), { predictTime: 45, costUsd: 0.1 });
    const gpu = await refusal(inGuild('cy'), await limitsFor(inGuild('cy')));
    expect(gpu?.kind).toBe('server-gpu-seconds');
    expect(gpu?.userMessage).toBe(
      'This server has used 105 s of its 100 s of GPU time today; the budget resets at 00:00 UTC.',
    );
    expect(gpu?.resetsAt).toBe(Date.UTC(2026, 11, 3));
    // Another server, and a DM (no server), are not held by it.
    expect(await refusal(inGuild('cy', 'G2'), await limitsFor(inGuild('cy', 'G2')))).toBeUndefined();
    expect(
      await refusal({ platform: 'discord', userId: 'cy' }, await limitsFor({ platform: 'discord' })),
    ).toBeUndefined();

    const dollars = createLimitsFor({ dailyVideosPerUser: 0, dailyUsdPerServer: 0.2 });
    const usd = await refusal(inGuild('cy'), await dollars(inGuild('cy')));
    expect(usd?.kind).toBe('server-usd');
    expect(usd?.userMessage).toBe(
      'This server has spent about $0.20 of its $0.20 today; the budget resets at 00:00 UTC.',
    );
  });

  it('start again at midnight UTC', async () => {
    now = Date.UTC(2026, 11, 3, 0, 0, 0);
    expect(await refusal(inGuild('cy'), await limitsFor(inGuild('cy')))).toBeUndefined();
  });

  it('take a server\u2019s own settings over the environment, key by key', async () => {
    const limits = createLimitsFor({ dailyVideosPerUser: 20, dailyGpuSecondsPerServer: 100 }, (place) =>
      place.workspaceId === 'G9' ? { videosPerUser: 3, gpuSecondsPerServer: null } : undefined,
    );
    expect(await limits({ platform: 'discord', workspaceId: 'G9' })).toEqual({
      videosPerUser: 3,
      gpuSecondsPerServer: undefined,
      usdPerServer: undefined,
    });
    expect((await limits({ platform: 'discord', workspaceId: 'G1' })).gpuSecondsPerServer).toBe(100);
  });
});
