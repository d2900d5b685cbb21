import { describe, expect, it } from 'vitest';
import { submitAnimateWithImage, useSlowFilesHarness } from './slow-files.js';

describe('Slack bot shutdown', () => {
  const context = useSlowFilesHarness();

  it('lets a submit already being handled post its status message before stop() resolves', async () => {
    const { h, slow } = context;
    const person = { id: 'U0STOPPING' };
    const { since, submit } = await submitAnimateWithImage(h, {
      person,
      prompt: 'leaves fall',
      fileName: 'leaf.png',
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
