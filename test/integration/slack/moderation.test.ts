import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIModerator } from '../../../src/moderation/openai.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai/server.js';
import { messageText, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'minimax/video-01';
let h: SlackHarness;
let openai: FakeOpenAI;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  openai.flag('knife fight', ['violence']);
  openai.flag('boudoir', ['sexual']);
  h = await startSlackHarness({
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
    moderator: createOpenAIModerator({ apiKey: 'sk-test', baseUrl: openai.baseUrl }),
    groups: true,
  });
  h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 5 });
  h.replicate.state.predictions.configure('lucataco/animate-diff', { steps: 1, predictTime: 5 });
});
afterAll(async () => {
  await h?.close();
  await openai?.close();
});

describe('OpenAI moderation on Slack', () => {
  it('refuses a flagged prompt in plain words on the form, and Replicate sees no prediction', async () => {
    const person = { id: 'U0MODER01' };
    const before = h.replicate.state.predictions.predictions.size;
    const form = await openModelForm(h, { command: '/video', text: 'a knife fight', model, person });
    const refused = await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    expect(refused.json.response_action).toBe('errors');
    expect(JSON.stringify(refused.json.errors)).toContain('This prompt was flagged for violence.');
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
    expect((await h.store.list({ userId: person.id })).items).toHaveLength(0);
  });

  it('links an age-restricted video with a warning in the thread instead of uploading it (Slack has no spoilers)', async () => {
    const person = { id: 'U0MODER02' };
    const since = h.slack.log.last;
    const form = await openModelForm(h, { command: '/video', text: 'a boudoir portrait', model, person });
    const submit = await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    expect(submit.json.response_action).toBeUndefined();
    const warning = await h.slack.waitForCall(
      'chat.postMessage',
      (c) => messageText(c.args).includes('flagged for sexual content'),
      { since },
    );
    expect(warning.args.thread_ts).toBeDefined();
    const generation = (await h.store.list({ userId: person.id })).items[0]!;
    expect(generation.restrictedCategories).toEqual(['sexual']);
    expect(messageText(warning.args)).toContain(`/g/${generation.id}`);
    expect(h.slack.log.of('files.completeUploadExternal', (c) => c.seq > since)).toEqual([]);
  });

  it('does not upload the grid of a compare with an age-restricted clip: a warning in its thread instead', async () => {
    const person = { id: 'U0MODER03', name: 'mo' };
    const since = h.slack.log.last;
    await h.client.slashCommand({ command: '/reelbot', text: 'compare a boudoir still life', person });
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const viewId = (open.response as { view: { id: string } }).view.id;
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { compare_models: [model, 'lucataco/animate-diff'] },
      person,
    });
    expect(submit.json.response_action).toBeUndefined();
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    const warning = await h.slack.waitForCall(
      'chat.postMessage',
      (c) => c.args.thread_ts === ts && messageText(c.args).includes('flagged for sexual content'),
      { since, timeoutMs: 30_000 },
    );
    expect(messageText(warning.args)).toContain('side-by-side video is not shown here');
    expect(h.slack.log.of('files.completeUploadExternal', (c) => c.seq > since)).toEqual([]);
  });
});
