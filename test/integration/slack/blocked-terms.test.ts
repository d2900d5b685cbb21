import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'minimax/video-01';
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ env: { BLOCKED_TERMS: 'gore' } });
});
afterAll(async () => {
  await h?.close();
});

describe('blocked terms on Slack', () => {
  it('refuses a form whose prompt uses a blocked term, and Replicate sees no prediction', async () => {
    h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 5 });
    const person = { id: 'U0BLOCK01' };
    const before = h.replicate.state.predictions.predictions.size;
    const form = await openModelForm(h, { command: '/video', text: 'a field of GÖRE', model, person });
    const refused = await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    expect(refused.json.response_action).toBe('errors');
    expect(JSON.stringify(refused.json.errors)).toContain(
      'This prompt uses a term this server does not allow.',
    );
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
    expect((await h.store.list({ userId: person.id })).items).toHaveLength(0);
  });
});
