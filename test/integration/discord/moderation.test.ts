import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIModerator } from '../../../src/moderation/openai.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai/server.js';
import { type DiscordHarness, startHarness, waitForEdit } from './harness.js';

const model = 'tencent/hunyuan-video';
let h: DiscordHarness;
let openai: FakeOpenAI;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  openai.flag('knife fight', ['violence']);
  openai.flag('boudoir', ['sexual']);
  h = await startHarness({
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
    moderator: createOpenAIModerator({ apiKey: 'sk-test', baseUrl: openai.baseUrl }),
  });
  h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 5 });
  h.replicate.state.predictions.configure('lucataco/animate-diff', { steps: 1, predictTime: 5 });
});
afterAll(async () => {
  await h?.close();
  await openai?.close();
});

describe('OpenAI moderation and spoilers on Discord', () => {
  it('refuses a flagged /video in plain words, and Replicate sees no prediction', async () => {
    const before = h.replicate.state.predictions.predictions.size;
    const refused = h.discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a knife fight in the rain' },
    ]);
    const answer = await h.discord.waitForCall(
      (c) => c.route.includes(`/${refused.token}`) && JSON.stringify(c.json ?? {}).includes('flagged'),
    );
    expect(JSON.stringify(answer.json)).toContain('This prompt was flagged for violence.');
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
    expect((await h.store.list({ search: 'knife' })).items).toHaveLength(0);
  });

  it('posts an age-restricted video as a SPOILER_ file in an ordinary channel', async () => {
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a boudoir portrait' },
    ]);
    const done = await waitForEdit(h, interaction.token, /^✅ Done/);
    expect(done.files.map((f) => f.name)).toEqual([expect.stringMatching(/^SPOILER_reelbot-g_\w+\.mp4$/)]);
    expect(done.json?.attachments?.[0]?.filename).toMatch(/^SPOILER_/);
  });

  it('posts it plainly in an age-restricted (nsfw) channel', async () => {
    const interaction = h.discord.sendCommand(
      'video',
      [
        { name: 'model', value: model },
        { name: 'prompt', value: 'another boudoir portrait' },
      ],
      { nsfwChannel: true },
    );
    const done = await waitForEdit(h, interaction.token, /^✅ Done/);
    expect(done.files.map((f) => f.name)).toEqual([expect.stringMatching(/^reelbot-g_\w+\.mp4$/)]);
  });

  it('posts an unflagged video plainly in an ordinary channel', async () => {
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a calm lake' },
    ]);
    const done = await waitForEdit(h, interaction.token, /^✅ Done/);
    expect(done.files.map((f) => f.name)).toEqual([expect.stringMatching(/^reelbot-g_\w+\.mp4$/)]);
  });

  it('posts the grid of a compare whose prompt is age-restricted as a SPOILER_ file too', async () => {
    const interaction = h.discord.sendCommand('compare', [
      { name: 'prompt', value: 'a boudoir still life' },
      { name: 'model1', value: model },
      { name: 'model2', value: 'lucataco/animate-diff' },
    ]);
    const done = await waitForEdit(h, interaction.token, /Side by side above/);
    expect(done.files.map((f) => f.name)).toEqual([expect.stringMatching(/^SPOILER_reelbot-grp_\w+\.mp4$/)]);
    const members = (await h.store.list({ search: 'boudoir still life' })).items;
    expect(members.map((m) => m.restrictedCategories)).toEqual([['sexual'], ['sexual']]);
  });
});
