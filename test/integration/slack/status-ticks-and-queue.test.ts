import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../unit/core/chat/manual-clock.js';
import { messageText, nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'tencent/hunyuan-video';

// Time on the status message is the store's, the service's and the bot's clock, moved by the test;
// the service's 8 s ticks run on its timers. Everything else (HTTP, the fakes) runs for real.
const time = createManualClock(Date.now());
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ time, env: { MAX_JOBS_PER_USER: '1', MAX_QUEUED_PER_USER: '1' } });
});
afterAll(async () => {
  await h?.close();
});

/** /video → model → submit for `person`; returns the status message ts, the generation and the log position. */
async function submitVideo(person: { id: string }, prompt: string) {
  const { viewId, since } = await openModelForm(h, { command: '/video', text: prompt, model, person });
  const recorded = nextEvent(h.service, (e) => e.generation.prompt === prompt);
  const submit = await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
  expect(submit.json.response_action).toBeUndefined();
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
    since,
  });
  return { ts: (post.response as { ts: string }).ts, generation: (await recorded).generation, since };
}

function finish(predictionId: string) {
  const entry = h.replicate.state.predictions.predictions.get(predictionId)!;
  while (!['succeeded', 'failed', 'canceled'].includes(entry.prediction.status))
    h.replicate.state.predictions.advance(predictionId);
}

const updateOf = (ts: string, since: number, match: RegExp) =>
  h.slack.waitForCall('chat.update', (c) => c.args.ts === ts && match.test(messageText(c.args)), { since });

describe('Slack status messages and one person’s queue', () => {
  it('edits a silent model’s status every 8 s with a growing elapsed time, then estimates the next run', async () => {
    h.replicate.state.predictions.configure(model, { manual: true, quiet: true, predictTime: 40 });
    const person = { id: 'U0QUIET01' };
    const started = nextEvent(
      h.service,
      (e) => e.type === 'started' && e.generation.requester.userId === person.id,
    );
    const { ts, since } = await submitVideo(person, 'a silent pier');
    const predictionId = (await started).generation.predictionId!;
    h.replicate.state.predictions.advance(predictionId); // processing, and not a word
    for (const seconds of [8, 16, 24]) {
      await time.advance(8000);
      const update = await updateOf(ts, since, new RegExp(`Generating · ${seconds}s`));
      expect(messageText(update.args)).toContain('reelbot_cancel');
    }
    await time.advance(1000);
    finish(predictionId);
    await updateOf(ts, since, /Done/);

    // That run took Replicate 40 s: the next one says so.
    const next = nextEvent(
      h.service,
      (e) => e.type === 'started' && e.generation.prompt === 'an estimated pier',
    );
    const estimated = await submitVideo(person, 'an estimated pier');
    await next;
    await updateOf(estimated.ts, estimated.since, /Generating · 0s · about 40 s left/);
    await time.advance(8000);
    await updateOf(estimated.ts, estimated.since, /Generating · 8s · about 30 s left/);
    finish((await next).generation.predictionId!);
    await updateOf(estimated.ts, estimated.since, /Done/);
  });

  it('queues past the running limit with the place shown, cancels from the line, and refuses past the cap', async () => {
    h.replicate.state.predictions.configure(model, { manual: true });
    const person = { id: 'U0QUEUE01' };
    const started = nextEvent(
      h.service,
      (e) => e.type === 'started' && e.generation.requester.userId === person.id,
    );
    await submitVideo(person, 'first pier');
    const running = (await started).generation;

    const second = await submitVideo(person, 'second pier');
    expect(second.generation.status).toBe('queued');
    await updateOf(second.ts, second.since, /Queued: 1 of yours ahead/);

    // One running and one waiting is this person's cap: the form says why it cannot go.
    const { viewId } = await openModelForm(h, { command: '/video', text: 'third pier', model, person });
    const refused = await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
    expect(refused.json.response_action).toBe('errors');
    expect(JSON.stringify(refused.json.errors)).toMatch(/already have 2 videos in progress or waiting/);

    const predictions = h.replicate.state.predictions.predictions.size;
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', second.ts)!,
      actionId: 'reelbot_cancel',
      person,
    });
    const canceled = await updateOf(second.ts, second.since, /Canceled/);
    expect(messageText(canceled.args)).not.toContain('reelbot_cancel');
    expect((await h.store.get(second.generation.id))!.status).toBe('canceled');
    expect(h.replicate.state.predictions.predictions.size).toBe(predictions);

    finish(running.predictionId!);
    await nextEvent(h.service, (e) => e.type === 'succeeded' && e.generation.id === running.id);
  });
});
