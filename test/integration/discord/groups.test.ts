import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { type DiscordHarness, editsOf, isMp4, startHarness, waitForEdit } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_JOBS_PER_USER: '1', MAX_QUEUED_PER_USER: '1' } });
});
afterAll(async () => {
  await h?.close();
});

async function probeBytes(bytes: Buffer) {
  const file = path.join(os.tmpdir(), `reelbot-discord-grid-${process.pid}-${Date.now()}.mp4`);
  fs.writeFileSync(file, bytes);
  try {
    return await probe(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe('Discord groups', () => {
  it('/compare runs one prompt on two models in one message that fills in and ends with the grid', async () => {
    h.replicate.state.predictions.configure('tencent/hunyuan-video', { steps: 2, tickMs: 5 });
    h.replicate.state.predictions.configure('lucataco/animate-diff', { steps: 1, tickMs: 2 });
    const interaction = h.discord.sendCommand('compare', [
      { name: 'prompt', value: 'a paper boat' },
      { name: 'model1', value: 'tencent/hunyuan-video' },
      { name: 'model2', value: 'lucataco/animate-diff' },
    ]);
    const done = await waitForEdit(h, interaction.token, /Side by side above/);
    const content = done.json.content as string;
    expect(content).toContain('Compare 2 models: “a paper boat”');
    expect(content).toMatch(/1\. tencent\/hunyuan-video: done · <https:\/\/reelbot\.example\/g\/g_/);
    expect(content).toMatch(/2\. lucataco\/animate-diff: done · <https:\/\/reelbot\.example\/g\/g_/);
    const file = done.files[0]!;
    expect(file.name).toMatch(/^reelbot-grp_.*\.mp4$/);
    expect(isMp4(file.bytes)).toBe(true);
    const info = await probeBytes(file.bytes);
    expect(info.height).toBe(120);
    // Every earlier edit was of the same message: it filled in, it was not posted again.
    const edits = editsOf(h, interaction.token).map((call) => call.json?.content as string);
    expect(edits.some((text) => /: (queued|starting|running|saving)/.test(text))).toBe(true);
    const members = (await h.store.list({ search: 'paper boat' })).items;
    expect(members).toHaveLength(2);
    expect(new Set(members.map((m) => m.seed)).size).toBe(1);
  });

  it('/video count:3 past the per-person cap runs two, says which one was refused, and grids the two', async () => {
    h.replicate.state.predictions.configure('anotherjesse/zeroscope-v2-xl', { steps: 1, tickMs: 2 });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: 'anotherjesse/zeroscope-v2-xl' },
      { name: 'prompt', value: 'three tides' },
      { name: 'count', value: 3 },
    ]);
    const done = await waitForEdit(h, interaction.token, /Side by side above/);
    const content = done.json.content as string;
    expect(content).toContain('Batch of 2: “three tides”');
    expect(content).toMatch(/1\. anotherjesse\/zeroscope-v2-xl · seed \d+: done/);
    expect(content).toContain('✗ anotherjesse/zeroscope-v2-xl: not started. You already have');
    expect(done.files).toHaveLength(1);
    expect((await h.store.list({ search: 'three tides' })).items).toHaveLength(2);
  });

  it('/compare with every clip refused answers the refusal privately and starts nothing', async () => {
    const interaction = h.discord.sendCommand('compare', [
      { name: 'prompt', value: 'nothing to see' },
      { name: 'model1', value: 'nobody/no-such-model' },
      { name: 'model2', value: 'nobody/other-missing' },
    ]);
    const answer = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' && call.route.includes(`/webhooks/`) && call.route.includes(interaction.token),
    );
    expect(answer.json?.flags).toBe(64);
    expect((await h.store.list({ search: 'nothing to see' })).items).toHaveLength(0);
  });
});
