import { describe, expect, it } from 'vitest';
import { submitAnimateWithImage, useSlowFilesHarness } from './slow-files.js';

describe('Slack modal submit deadline', () => {
  const context = useSlowFilesHarness();

  it('closes the modal in time while Slack is slow to describe the file, then posts the status', async () => {
    const { h, slow } = context;
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
