import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitError } from '../../../src/core/errors.js';
import type { GenerationEvent, Requester } from '../../../src/core/generations/types.js';
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
const model = 'minimax/video-01';
const env = { MAX_JOBS_PER_USER: '1', MAX_QUEUED_PER_USER: '2' };
const person = (id: string): Requester => ({
  platform: 'slack',
  workspaceId: 'T',
  channelId: 'C',
  userId: id,
});

beforeAll(async () => {
  fake = await startFakeReplicate();
  fake.state.predictions.configure(model, { manual: true, steps: 1 });
});
afterAll(async () => {
  await fake.close();
});

const ownAheadOf = (sut: ServiceUnderTest, id: string) =>
  sut.events
    .filter(
      (e): e is Extract<GenerationEvent, { type: 'queued' }> => e.type === 'queued' && e.generation.id === id,
    )
    .map((e) => e.ownAhead);

describe('a person past MAX_JOBS_PER_USER', () => {
  it('waits in their own line (never refused below the cap), can cancel from it, and keeps it across a restart', async () => {
    const dataDir = tempDataDir();
    let sut = startService(fake, { dataDir, env });
    const start = (who: string, prompt: string) =>
      sut.service.start({ requester: person(who), model, values: { prompt } });

    const first = await start('ann', 'first');
    const running = await waitForEvent(sut, (e) => e.generation.id === first.id && e.type === 'started');
    const second = await start('ann', 'second');
    const third = await start('ann', 'third');
    expect(second.status).toBe('queued');
    expect(ownAheadOf(sut, second.id)).toEqual([1]);
    expect(ownAheadOf(sut, third.id)).toEqual([2]);
    expect(sut.service.queuePlace(third.id)).toEqual({ position: 2, ownAhead: 2 });

    // One running and two waiting is Ann's cap: the next one is refused, in words.
    const over = await start('ann', 'fourth').catch((e: unknown) => e);
    expect(over).toBeInstanceOf(LimitError);
    expect((over as LimitError).userMessage).toMatch(/already have 3 videos in progress or waiting/);

    // Ann's line does not hold Ben up.
    const bens = await start('ben', 'bens');
    await waitForEvent(sut, (e) => e.generation.id === bens.id && e.type === 'started');

    // Cancel from the line: nothing is ever created at Replicate for it, and the next moves up.
    const creates = createRequests(fake).length;
    const canceled = await sut.service.cancel(second.id, { userId: 'ann' });
    expect(canceled.status).toBe('canceled');
    expect(canceled.predictionId).toBeUndefined();
    expect(ownAheadOf(sut, third.id)).toEqual([2, 1]);

    // A restart while Ann's first runs and her third waits.
    await sut.close();
    sut = startService(fake, { dataDir, env });
    await sut.service.resume();
    expect(sut.service.queuePlace(third.id)).toEqual({ position: 1, ownAhead: 1 });
    expect(ownAheadOf(sut, third.id)).toEqual([1]);

    finishPrediction(fake, running.generation.predictionId!);
    expect((await waitForFinal(sut, first.id)).status).toBe('succeeded');
    const thirdStarted = await waitForEvent(sut, (e) => e.generation.id === third.id && e.type === 'started');
    finishPrediction(fake, thirdStarted.generation.predictionId!);
    expect((await waitForFinal(sut, third.id)).status).toBe('succeeded');
    // Ben's and Ann's third: no create for the canceled second.
    expect(createRequests(fake).length).toBe(creates + 1);
    expect((await sut.store.get(second.id))!.predictionId).toBeUndefined();
    await sut.service.cancel(bens.id, { userId: 'ben' });
    await sut.close();
  });
});
