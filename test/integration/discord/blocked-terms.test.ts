import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/core/generations/simulation-job.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { type DiscordHarness, startHarness, waitForEdit } from './harness.js';

const model = 'tencent/hunyuan-video';
const refusal = 'This prompt uses a term this server does not allow.';
const renders: string[] = [];
const simulator: Simulator = {
  async render(request, outFile) {
    renders.push(request.prompt);
    await fs.promises.copyFile((await fakeMedia()).video, outFile);
    return {};
  },
};

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness({ env: { BLOCKED_TERMS: 'gore, naïve' }, simulator });
});
afterAll(async () => {
  await h?.close();
});

/** Whatever the bot said to the person through the interaction's token, first to last. */
async function answerContaining(token: string, text: string): Promise<string> {
  const call = await h.discord.waitForCall(
    (c) => c.route.includes(`/${token}`) && JSON.stringify(c.json ?? {}).includes(text),
  );
  return JSON.stringify(call.json);
}

describe('blocked terms on Discord', () => {
  it('refuses /video with a blocked term, in any case or accent, and Replicate sees no prediction', async () => {
    h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 5 });
    const before = h.replicate.state.predictions.predictions.size;
    const refused = h.discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a NAIVE painting of GORE' },
    ]);
    expect(await answerContaining(refused.token, refusal)).toContain(refusal);
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
    expect((await h.store.list({ search: 'NAIVE' })).items).toHaveLength(0);

    // The prompt is not lost: Edit values opens the form with it, as typed, to reword.
    const told = await h.discord.waitForCall(
      (c) => c.method === 'POST' && c.route === `/webhooks/${h.discord.state.applicationId}/${refused.token}`,
    );
    const edit = told.json.components[0].components[0];
    expect(edit.label).toBe('Edit values');
    const press = h.discord.pressButton((told.response as { id: string }).id, edit.custom_id);
    const form = (await h.discord.waitForCallback(press)).json;
    expect(form.type).toBe(9);
    const prompt = (form.data.components as { component: { custom_id: string; value?: string } }[]).find(
      (label) => label.component.custom_id === 'prompt',
    );
    expect(prompt?.component.value).toBe('a NAIVE painting of GORE');

    // A word that only contains a term is not blocked.
    const allowed = h.discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a gorgeous sunset' },
    ]);
    await waitForEdit(h, allowed.token, /^✅ Done/);
    expect(h.replicate.state.predictions.predictions.size).toBe(before + 1);
  });

  it('refuses /simulate with a blocked term before the renderer runs', async () => {
    const refused = h.discord.sendCommand('simulate', [{ name: 'prompt', value: 'boxes fall into Gore' }]);
    expect(await answerContaining(refused.token, refusal)).toContain(refusal);
    expect(renders).toEqual([]);
    expect((await h.store.list({ search: 'boxes fall' })).items).toHaveLength(0);
  });
});
