import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackHarness, startSlackHarness } from './harness.js';
import { holdingFetch, submitAnimateWithImage } from './holding-fetch.js';

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
    const { since, submit } = await submitAnimateWithImage(h, {
      person,
      prompt: 'waves roll in',
      fileName: 'sea.png',
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
