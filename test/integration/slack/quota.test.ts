import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'minimax/video-01';
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ env: { DAILY_VIDEOS_PER_USER: '1' } });
});
afterAll(async () => {
  await h?.close();
});

describe('Slack: what a video cost, the daily quota and /reelbot usage', () => {
  it('shows the cost on the final message, then refuses the next video with the reset time and no prediction', async () => {
    h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 61.5 });
    const person = { id: 'U0QUOTA01' };
    const first = await openModelForm(h, { command: '/video', text: 'a kite at the beach', model, person });
    const done = nextEvent(
      h.service,
      (e) => e.type === 'succeeded' && e.generation.prompt === 'a kite at the beach',
    );
    await h.client.viewSubmission({ view: h.slack.viewPayload(first.viewId), person });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since: first.since,
    });
    const ts = (post.response as { ts: string }).ts;
    await done;
    // minimax/video-01 is sold per video: $0.50 in the shipped table.
    const final = await h.slack.waitForCall(
      'chat.update',
      (c) => c.args.ts === ts && /Done/.test(messageText(c.args)),
      { since: first.since },
    );
    expect(messageText(final.args)).toContain('GPU 61.5 s · about $0.50');

    const predictions = h.replicate.state.predictions.predictions.size;
    // At the limit, /video says so at once instead of opening a form that could not be sent.
    const since = h.slack.log.last;
    const asked = await h.client.slashCommand({ command: '/video', text: 'another kite', person });
    expect(asked.json).toMatchObject({
      response_type: 'ephemeral',
      text: 'You have made 1 of 1 videos today; the count resets at 00:00 UTC.',
    });
    expect(h.slack.log.calls.slice(since).filter((c) => c.method === 'views.open')).toHaveLength(0);
    expect(h.replicate.state.predictions.predictions.size).toBe(predictions);
    expect((await h.store.list({ userId: person.id })).items).toHaveLength(1);
  });

  it('tells a person at the limit on Extend and Edit before any modal opens', async () => {
    const person = { id: 'U0QUOTA01' };
    const made = (await h.store.list({ userId: person.id })).items[0]!;
    const ref = made.messageRef as { channel: string; ts: string };
    const message = h.slack.message(ref.channel, ref.ts)!;
    for (const actionId of ['reelbot_extend', 'reelbot_edit']) {
      const since = h.slack.log.last;
      await h.client.messageButton({ channelId: ref.channel, message, actionId, person });
      const refused = await h.slack.waitForCall('response_url', () => true, { since });
      expect(refused.args).toMatchObject({
        response_type: 'ephemeral',
        text: 'You have made 1 of 1 videos today; the count resets at 00:00 UTC.',
      });
      expect(h.slack.log.of('views.open').filter((c) => c.seq > since)).toHaveLength(0);
    }
  });

  it('refuses a form opened before the limit was reached when it is sent after', async () => {
    const person = { id: 'U0QUOTA02' };
    const early = await openModelForm(h, { command: '/video', text: 'an early kite', model, person });
    const other = await openModelForm(h, { command: '/video', text: 'a quicker kite', model, person });
    const done = nextEvent(
      h.service,
      (e) => e.type === 'succeeded' && e.generation.prompt === 'a quicker kite',
    );
    await h.client.viewSubmission({ view: h.slack.viewPayload(other.viewId), person });
    await done;
    const predictions = h.replicate.state.predictions.predictions.size;
    const refused = await h.client.viewSubmission({ view: h.slack.viewPayload(early.viewId), person });
    expect(refused.json.response_action).toBe('errors');
    expect(JSON.stringify(refused.json.errors)).toContain(
      'You have made 1 of 1 videos today; the count resets at 00:00 UTC.',
    );
    expect(h.replicate.state.predictions.predictions.size).toBe(predictions);
  });

  it('`/reelbot usage` shows a member their day, and a workspace admin the workspace too', async () => {
    const member = await h.client.slashCommand({
      command: '/reelbot',
      text: 'usage',
      person: { id: 'U0QUOTA01' },
    });
    expect(member.json.response_type).toBe('ephemeral');
    expect(member.json.text).toContain('You today: 1 of 1 videos · GPU 61.5 s · about $0.50');
    expect(member.json.text).not.toContain('This workspace');

    h.slack.workspace.admins.add('U0ADMIN01');
    const admin = await h.client.slashCommand({
      command: '/reelbot',
      text: 'usage',
      person: { id: 'U0ADMIN01' },
    });
    expect(admin.json.text).toContain('You today: 0 of 1 videos');
    expect(admin.json.text).toContain('This workspace today: 2 videos · GPU 123 s · about $1.00');
    expect(admin.json.text).toContain('This workspace, last 7 days: 2 videos');
    const lookup = await h.slack.waitForCall('users.info', (c) => c.args.user === 'U0ADMIN01');
    expect((lookup.response as { user: { is_admin: boolean } }).user.is_admin).toBe(true);
  });
});
