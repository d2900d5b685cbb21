import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { fileJson } from '../../fakes/slack/index.js';
import { type SlackHarness, startSlackHarness } from './harness.js';
import { holdingFetch } from './holding-fetch.js';

describe('Slack bot shutdown', () => {
  let h: SlackHarness;
  const slow = holdingFetch();
  beforeAll(async () => {
    h = await startSlackHarness({
      bot: {
        submitDeadlineMs: 50,
        clientOptions: { retryConfig: { retries: 0 }, fetch: slow.fetchFn as never },
      },
    });
  });
  afterAll(async () => {
    slow.release();
    await h?.close();
  });

  it('lets a submit already being handled post its status message before stop() resolves', async () => {
    const person = { id: 'U0STOPPING' };
    const since = h.slack.log.last;
    await h.client.slashCommand({ command: '/animate', text: 'leaves fall', person });
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const viewId = (open.response as { view: { id: string } }).view.id;
    await h.client.viewAction({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: 'ali-vilab/i2vgen-xl',
      person,
    });
    await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
    const png = fs.readFileSync((await fakeMedia()).image);
    const file = h.slack.addFile({ name: 'leaf.png', bytes: png, user: person.id });
    const submit = h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { image: [fileJson(file)] },
      person,
    });
    await slow.firstHeld;
    await submit;

    // The submit handler is still waiting on Slack (files.info) when shutdown begins.
    let stoppedAt: number | undefined;
    const stopping = h.bot.stop().then(() => {
      stoppedAt = h.slack.log.last;
    });
    slow.release();
    await stopping;
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    expect(stoppedAt).toBeDefined();
    expect(post.seq).toBeLessThanOrEqual(stoppedAt!);
  });
});
