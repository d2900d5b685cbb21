import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const hunyuan = 'tencent/hunyuan-video';

/** Slack refusing the edit that shows "Done" (the message can no longer be edited), nothing else. */
async function refuseDoneEdit(url: string | URL, init?: RequestInit): Promise<Response> {
  if (String(url).endsWith('/chat.update') && typeof init?.body === 'string') {
    const text = new URLSearchParams(init.body).get('text') ?? '';
    if (text.includes('Done'))
      return new Response(JSON.stringify({ ok: false, error: 'cant_update_message' }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
  }
  return fetch(url, init);
}

describe('Slack final status edit', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({
      bot: { clientOptions: { retryConfig: { retries: 0 }, fetch: refuseDoneEdit as never } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('still uploads the video into the thread when Slack refuses the last edit', async () => {
    const person = { id: 'U0FINAL01' };
    const { viewId, since } = await openModelForm(h, {
      command: '/video',
      text: 'a paper boat in the rain',
      model: hunyuan,
      person,
    });
    const submit = await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
    expect(submit.json.response_action).toBeUndefined();

    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
    await h.bot.stop(); // lets the delivery in flight finish
    const generation = (await h.store.list({ userId: person.id })).items[0]!;
    // Not closed: the next start shows "Done" on the message; delivered: the video is not sent again.
    expect(generation.messageRef).toMatchObject({ ts, delivered: true });
    expect(generation.messageRef?.closed).not.toBe(true);
  });
});
