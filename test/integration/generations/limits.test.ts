import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitError, QuotaError, type ReelbotError } from '../../../src/core/errors.js';
import type { Requester } from '../../../src/core/generations/types.js';
import {
  createRequests,
  type FakeReplicate,
  finishPrediction,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  tempDataDir,
  waitForEvent,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
let sut: ServiceUnderTest;
const model = 'minimax/video-01';
const user = (id: string): Requester => ({
  platform: 'discord',
  workspaceId: 'g',
  channelId: 'c',
  userId: id,
});

beforeAll(async () => {
  fake = await startFakeReplicate();
  fake.state.predictions.configure(model, { manual: true, steps: 2 });
  sut = startService(fake, {
    dataDir: tempDataDir(),
    env: { MAX_JOBS_TOTAL: '1', MAX_JOBS_PER_USER: '1', MAX_QUEUED_PER_USER: '0' },
  });
});
afterAll(async () => {
  await sut.close();
  await fake.close();
});

const start = (who: string, prompt = who) =>
  sut.service.start({ requester: user(who), model, values: { prompt } });

describe('limits, queue and cancel', () => {
  it('queues beyond the global limit in order, reporting positions, and refuses a user over their limit with no queue of their own', async () => {
    const first = await start('ann');
    const running = await waitForEvent(sut, (e) => e.generation.id === first.id && e.type === 'started');
    const second = await start('ben');
    const third = await start('cat');
    const queued = (id: string) =>
      sut.events
        .filter((e) => e.type === 'queued' && e.generation.id === id)
        .map((e) => (e.type === 'queued' ? e.position : 0));
    expect(queued(second.id)).toEqual([1]);
    expect(queued(third.id)).toEqual([2]);
    expect(sut.service.queuePosition(third.id)).toBe(2);
    expect(second.status).toBe('queued');

    const over = await start('ann', 'one more').catch((e: unknown) => e);
    expect(over).toBeInstanceOf(LimitError);
    expect((over as LimitError).userMessage).toMatch(/already have one video in progress/);

    // The first ends: the second starts, the third moves up.
    finishPrediction(fake, running.generation.predictionId!);
    await waitForFinal(sut, first.id);
    await waitForEvent(sut, (e) => e.generation.id === second.id && e.type === 'started');
    expect(queued(third.id)).toEqual([2, 1]);
    expect(sut.service.queuePosition(third.id)).toBe(1);

    // A queued generation is canceled without ever reaching Replicate.
    const creates = fake.state.predictions.predictions.size;
    const canceled = await sut.service.cancel(third.id, { userId: 'cat' });
    expect(canceled.status).toBe('canceled');
    expect(canceled.predictionId).toBeUndefined();
    await waitForEvent(sut, (e) => e.generation.id === third.id && e.type === 'canceled');
    expect(sut.service.queuePosition(third.id)).toBeUndefined();

    // Only the owner or an admin may cancel a running one; it cancels the prediction too.
    const refused = await sut.service.cancel(second.id, { userId: 'cat' }).catch((e: unknown) => e);
    expect((refused as ReelbotError).code).toBe('CANCEL_NOT_ALLOWED');
    const predictionId = (await sut.store.get(second.id))!.predictionId!;
    const byAdmin = await sut.service.cancel(second.id, { userId: 'mod', admin: true });
    expect(byAdmin.status).toBe('canceled');
    expect(fake.state.predictions.predictions.get(predictionId)!.prediction.status).toBe('canceled');
    expect(fake.state.predictions.predictions.size).toBe(creates);
    expect(sut.events.filter((e) => e.type === 'canceled' && e.generation.id === second.id)).toHaveLength(1);

    // The slot is free again.
    const fourth = await start('ann', 'after the queue');
    const started = await waitForEvent(sut, (e) => e.generation.id === fourth.id && e.type === 'started');
    finishPrediction(fake, started.generation.predictionId!);
    expect((await waitForFinal(sut, fourth.id)).status).toBe('succeeded');
  });
});

describe('admission under concurrent requests', () => {
  // The store answers asynchronously: without admission's per-person lock both requests would
  // read "nothing in flight" (or "no video today") before either inserted, and both would pass.
  it('lets one of two simultaneous requests of a person take the last slot, and refuses the other', async () => {
    const own = startService(fake, {
      dataDir: tempDataDir(),
      env: { MAX_JOBS_TOTAL: '4', MAX_JOBS_PER_USER: '1', MAX_QUEUED_PER_USER: '0' },
    });
    try {
      const results = await Promise.allSettled([
        own.service.start({ requester: user('dan'), model, values: { prompt: 'one' } }),
        own.service.start({ requester: user('dan'), model, values: { prompt: 'two' } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(LimitError);
      expect(await own.store.countRunning({ platform: 'discord', userId: 'dan' })).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('lets one of two simultaneous requests take the last video of the daily quota', async () => {
    const own = startService(fake, {
      dataDir: tempDataDir(),
      env: { MAX_JOBS_TOTAL: '4', MAX_JOBS_PER_USER: '4', DAILY_VIDEOS_PER_USER: '1' },
    });
    try {
      const results = await Promise.allSettled([
        own.service.start({ requester: user('eve'), model, values: { prompt: 'one' } }),
        own.service.start({ requester: user('eve'), model, values: { prompt: 'two' } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(QuotaError);
    } finally {
      await own.close();
    }
  });

  it('counts Re-roll, Extend and Edit against the daily videos and the per-person cap like any video', async () => {
    const text = 'tencent/hunyuan-video';
    const image = 'minimax/video-01-live';
    fake.state.predictions.configure(text, { steps: 1, tickMs: 2 });
    fake.state.predictions.configure(image, { steps: 1, tickMs: 2 });
    const own = startService(fake, {
      dataDir: tempDataDir(),
      env: {
        MAX_JOBS_PER_USER: '1',
        MAX_QUEUED_PER_USER: '0',
        DAILY_VIDEOS_PER_USER: '3',
        DEFAULT_IMAGE_MODEL: image,
      },
    });
    const fay = user('fay');
    const nextSteps = (id: string) => [
      own.service.reroll(id, fay),
      own.service.extend!({ requester: fay, generationId: id }),
      own.service.start({
        requester: fay,
        model: text,
        values: { prompt: 'the same, edited' },
        origin: { kind: 'edit', generationId: id },
      }),
    ];
    try {
      const first = await own.service.start({ requester: fay, model: text, values: { prompt: 'a harbour' } });
      expect((await waitForFinal(own, first.id)).status).toBe('succeeded');
      // Another video of hers running: each next step is past the one job a person may have.
      const busy = await own.service.start({ requester: fay, model, values: { prompt: 'busy' } });
      for (const refused of nextSteps(first.id).map((step) => step.catch((e: ReelbotError) => e)))
        expect(await refused).toMatchObject({ code: 'LIMIT_REACHED' });
      // Canceled, it is given back to the day's count.
      await own.service.cancel(busy.id, { userId: 'fay' });
      const part = await own.service.extend!({ requester: fay, generationId: first.id });
      expect((await waitForFinal(own, part.id)).status).toBe('succeeded');
      const again = await own.service.reroll(first.id, fay);
      expect((await waitForFinal(own, again.id)).status).toBe('succeeded');
      // Three videos today, the day's quota: none of the next steps starts, and Replicate sees none.
      const predictions = createRequests(fake).length;
      for (const refused of nextSteps(part.id).map((step) => step.catch((e: ReelbotError) => e)))
        expect(await refused).toMatchObject({
          code: 'QUOTA_REACHED',
          userMessage: 'You have made 3 of 3 videos today; the count resets at 00:00 UTC.',
        });
      expect(createRequests(fake).length).toBe(predictions);
    } finally {
      await own.close();
    }
  });
});
