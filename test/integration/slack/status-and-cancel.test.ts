import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../fakes/slack/index.js';
import { messageText, nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const hunyuan = 'tencent/hunyuan-video';

describe('Slack status message: progress and Cancel', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
    // Predictions of this model move only when the test says so.
    h.replicate.state.predictions.configure(hunyuan, { manual: true, steps: 4 });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Runs /video → model → submit for `person`; returns the status message ts and the prediction id. */
  async function startGeneration(person: { id: string; name?: string }) {
    const { viewId, since } = await openModelForm(h, {
      command: '/video',
      text: 'waves on a pier',
      model: hunyuan,
      person,
    });
    const started = nextEvent(
      h.service,
      (e) => e.type === 'started' && e.generation.requester.userId === person.id,
    );
    const submit = await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
    expect(submit.json.response_action).toBeUndefined();
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const generation = (await started).generation;
    return {
      ts: (post.response as { ts: string }).ts,
      predictionId: generation.predictionId!,
      generation,
      since,
    };
  }

  it('shows state, percent and elapsed time as the prediction moves', async () => {
    const { ts, predictionId, since } = await startGeneration({ id: 'U0PROG001' });
    const update = (match: (text: string) => boolean) =>
      h.slack.waitForCall(
        'chat.update',
        (c: RecordedCall) => c.args.ts === ts && match(messageText(c.args)),
        {
          since,
        },
      );
    const advance = () => h.replicate.state.predictions.advance(predictionId);

    advance(); // processing
    advance(); // 25 %
    const quarter = await update((text) => text.includes('25%'));
    expect(messageText(quarter.args)).toMatch(/Generating/);
    expect(messageText(quarter.args)).toMatch(/· \d+s/);
    expect(messageText(quarter.args)).toContain('reelbot_cancel');

    advance();
    advance();
    await update((text) => text.includes('75%'));
    advance();
    advance(); // succeeded
    const done = await update((text) => text.includes('Done'));
    expect(messageText(done.args)).not.toContain('reelbot_cancel');
    await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
  });

  it('lets only the owner cancel, and shows the cancel on the status message', async () => {
    const owner = { id: 'U0OWNER01', name: 'owner' };
    const { ts, predictionId, generation, since } = await startGeneration(owner);
    h.replicate.state.predictions.advance(predictionId);

    const stranger = await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', ts)!,
      actionId: 'reelbot_cancel',
      person: { id: 'U0STRANGE' },
    });
    expect(stranger.status).toBe(200);
    const refusal = await h.slack.waitForCall('response_url', () => true, { since });
    expect(refusal.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refusal.args.text)).toMatch(/Only the person who asked/);
    expect((await h.store.get(generation.id))!.status).not.toBe('canceled');

    // As `/reelbot jobs` would list it, with its Cancel button, before the cancel.
    const listed = structuredClone(h.slack.message('C0GENERAL', ts)!);
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', ts)!,
      actionId: 'reelbot_cancel',
      person: owner,
    });
    const canceled = await h.slack.waitForCall(
      'chat.update',
      (c) => c.args.ts === ts && messageText(c.args).includes('Canceled'),
      { since },
    );
    expect(messageText(canceled.args)).not.toContain('reelbot_cancel');
    expect((await h.store.get(generation.id))!.status).toBe('canceled');
    expect(h.replicate.state.predictions.predictions.get(predictionId)!.prediction.status).toBe('canceled');
    expect(h.slack.log.of('files.getUploadURLExternal', (c) => c.seq > since)).toEqual([]);

    // Pressed again in that older list: told it was already canceled, not "Canceled" a second time.
    const again = h.slack.log.last;
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: listed,
      actionId: 'reelbot_cancel',
      person: owner,
      ephemeral: true,
    });
    const told = await h.slack.waitForCall('response_url', () => true, { since: again });
    expect(told.args.text).toBe('That video was already canceled.');
  });

  it('lets a workspace admin cancel someone else’s video, as its refusal to others says', async () => {
    const { ts, predictionId, generation, since } = await startGeneration({ id: 'U0OWNER02' });
    h.slack.workspace.admins.add('U0CANADM1');
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', ts)!,
      actionId: 'reelbot_cancel',
      person: { id: 'U0CANADM1' },
    });
    await h.slack.waitForCall(
      'chat.update',
      (c) => c.args.ts === ts && messageText(c.args).includes('Canceled'),
      { since },
    );
    expect((await h.store.get(generation.id))!.status).toBe('canceled');
    expect(h.replicate.state.predictions.predictions.get(predictionId)!.prediction.status).toBe('canceled');
    expect(h.slack.log.of('response_url', (c) => c.seq > since)).toEqual([]);
  });
});
