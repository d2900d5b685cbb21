import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackHarness, startSlackHarness } from './harness.js';

const zeroscope = 'anotherjesse/zeroscope-v2-xl';

describe('Slack in Socket Mode (SLACK_APP_TOKEN set)', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ socketMode: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('connects with the app token and serves no HTTP endpoint', async () => {
    expect(h.bot.mode).toBe('socket');
    expect(h.bot.httpHandler).toBeUndefined();
    const open = await h.slack.waitForCall('apps.connections.open');
    expect(open.token).toBe(h.slack.appToken);
  });

  it('runs the whole /video flow over the socket', async () => {
    const person = { id: 'U0SOCKET1' };
    const since = h.slack.log.last;
    const ack = await h.client.slashCommand({ command: '/video', text: 'a comet over the sea', person });
    expect(ack.status).toBe(200);
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const viewId = (open.response as { view: { id: string } }).view.id;

    const options = await h.client.blockSuggestion({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: 'zero',
    });
    expect((options.json.options as { value: string }[])[0]!.value).toBe(zeroscope);
    await h.client.viewAction({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: zeroscope,
      person,
    });
    await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });

    const bad = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { width: '1' },
      person,
    });
    expect(bad.json.response_action).toBe('errors');

    await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
  });
});
