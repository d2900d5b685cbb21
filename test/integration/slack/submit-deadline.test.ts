import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { fileJson } from '../../fakes/slack/index.js';
import { type SlackHarness, startSlackHarness } from './harness.js';
import { holdingFetch } from './holding-fetch.js';

describe('Slack modal submit deadline', () => {
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

  it('closes the modal in time while Slack is slow to describe the file, then posts the status', async () => {
    const person = { id: 'U0SLOWFILE' };
    const since = h.slack.log.last;
    await h.client.slashCommand({ command: '/animate', text: 'waves roll in', person });
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
    const file = h.slack.addFile({ name: 'sea.png', bytes: png, user: person.id });
    const submit = h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { image: [fileJson(file)] },
      person,
    });
    await slow.firstHeld;
    // files.info is still held: the answer must not wait for it.
    expect((await submit).json.response_action).toBeUndefined();

    slow.release();
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
  });
});
