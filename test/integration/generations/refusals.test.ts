import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorUsage } from '../../../src/core/generations/spend/overview.js';
import type { Requester } from '../../../src/core/generations/types.js';
import { createSpendOverview } from '../../../src/core/store/index.js';
import { type FakeReplicate, startFakeReplicate, startService, tempDataDir } from './harness.js';

let fake: FakeReplicate;
beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(async () => {
  await fake?.close();
});

const model = 'minimax/video-01';
const eve: Requester = {
  platform: 'discord',
  workspaceId: 'g1',
  channelId: 'c1',
  userId: 'eve',
  userName: 'Eve',
};

describe('refused requests are kept for the operator', () => {
  it('records every refusal once, with its code, place, user and model, and no failure that is not a refusal', async () => {
    const sut = startService(fake, {
      dataDir: tempDataDir(),
      env: { DAILY_VIDEOS_PER_USER: '1', BLOCKED_TERMS: 'gore' },
    });
    try {
      const predictions = fake.state.predictions.predictions.size;
      await expect(
        sut.service.start({ requester: eve, model, values: { prompt: 'a field of gore' } }),
      ).rejects.toMatchObject({ code: 'PROMPT_BLOCKED' });
      await sut.service.start({ requester: eve, model, values: { prompt: 'a windmill' } });
      // The bots' early check and start itself: both refusals, each recorded once.
      await expect(sut.service.checkQuota(eve)).rejects.toMatchObject({ code: 'QUOTA_REACHED' });
      await expect(
        sut.service.start({ requester: eve, model, values: { prompt: 'another windmill' } }),
      ).rejects.toMatchObject({ code: 'QUOTA_REACHED' });
      // A model that does not exist is a mistake, not a refusal.
      await expect(
        sut.service.start({ requester: { ...eve, userId: 'zed' }, model: 'no/such-model', values: {} }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(fake.state.predictions.predictions.size).toBe(predictions + 1);

      const usage = await operatorUsage(createSpendOverview(sut.db), Date.now());
      expect(usage.refusals.map((r) => [r.code, r.count])).toEqual([
        ['QUOTA_REACHED', 2],
        ['PROMPT_BLOCKED', 1],
      ]);
      const rows = sut.db
        .prepare('SELECT platform, workspace_id, user_id, user_name, model, code FROM refusals ORDER BY id')
        .all();
      expect(rows[0]).toEqual({
        platform: 'discord',
        workspace_id: 'g1',
        user_id: 'eve',
        user_name: 'Eve',
        model,
        code: 'PROMPT_BLOCKED',
      });
      expect(rows.map((row) => (row as { model: string | null }).model)).toEqual([model, null, model]);
    } finally {
      await sut.close();
    }
  });

  it("records a Re-roll refused by the bots' early check as reroll does, with the video's model", async () => {
    const sut = startService(fake, { dataDir: tempDataDir(), env: { DAILY_VIDEOS_PER_USER: '1' } });
    try {
      const first = await sut.service.start({ requester: eve, model, values: { prompt: 'a windmill' } });
      await expect(sut.service.checkReroll(first.id, eve)).rejects.toMatchObject({ code: 'QUOTA_REACHED' });
      // Someone with videos left today may; a deleted video is a mistake, not a refusal.
      await sut.service.checkReroll(first.id, { ...eve, userId: 'zed' });
      await expect(sut.service.checkReroll('g_gone', eve)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(sut.db.prepare('SELECT user_id, model, code FROM refusals').all()).toEqual([
        { user_id: 'eve', model, code: 'QUOTA_REACHED' },
      ]);
    } finally {
      await sut.close();
    }
  });
});
