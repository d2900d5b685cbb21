import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupEvent } from '../../../src/core/generations/groups/types.js';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { type DiscordHarness, editsOf, isMp4, pngBytes, startHarness, waitForEdit } from './harness.js';

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

  it('/video count:2 with an image gives each clip the image, with seeds one apart', async () => {
    h.replicate.state.predictions.configure('ali-vilab/i2vgen-xl', { steps: 1, tickMs: 2 });
    const image = h.discord.uploadAttachment({
      bytes: await pngBytes(),
      filename: 'harbour.png',
      contentType: 'image/png',
    });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: 'ali-vilab/i2vgen-xl' },
      { name: 'prompt', value: 'the harbour wakes' },
      { name: 'image', value: image },
      { name: 'count', value: 2 },
    ]);
    const done = await waitForEdit(h, interaction.token, /Side by side above/);
    expect(done.json.content).toContain('Batch of 2: “the harbour wakes”');
    expect(done.files).toHaveLength(1);
    const inputs = [...h.replicate.state.predictions.predictions.values()]
      .filter((entry) => entry.prediction.input?.prompt === 'the harbour wakes')
      .map((entry) => entry.prediction.input as Record<string, unknown>);
    expect(inputs).toHaveLength(2);
    for (const input of inputs) expect(input.image).toMatch(new RegExp(`^${h.replicate.baseUrl}/`));
    const seeds = inputs.map((input) => Number(input.seed)).sort((a, b) => a - b);
    expect(seeds[1]! - seeds[0]!).toBe(1);
  });

  it('/video count:2 advanced: the form’s values and the command’s image go to both clips', async () => {
    h.replicate.state.predictions.configure('minimax/video-01-live', { steps: 1, tickMs: 2 });
    const image = h.discord.uploadAttachment({
      bytes: await pngBytes(),
      filename: 'lamp.png',
      contentType: 'image/png',
    });
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01-live' },
      { name: 'prompt', value: 'the lamp flickers' },
      { name: 'image', value: image },
      { name: 'advanced', value: true },
      { name: 'count', value: 2 },
    ]);
    const modal = (await h.discord.waitForCallback(command)).json.data;
    const submit = h.discord.submitModal(modal.custom_id, [
      { customId: 'prompt', value: 'the lamp flickers twice' },
      { customId: 'prompt_optimizer', values: ['false'] },
    ]);
    const done = await waitForEdit(h, submit.token, /Side by side above/);
    expect(done.json.content).toContain('Batch of 2: “the lamp flickers twice”');
    const inputs = [...h.replicate.state.predictions.predictions.values()]
      .filter((entry) => entry.prediction.input?.prompt === 'the lamp flickers twice')
      .map((entry) => entry.prediction.input as Record<string, unknown>);
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      expect(input.prompt_optimizer).toBe(false);
      expect(input.first_frame_image).toMatch(new RegExp(`^${h.replicate.baseUrl}/`));
    }
  });

  it('shows once, at the next start, the grid of a batch that ended while the bot was down', async () => {
    const model = 'lucataco/animate-diff';
    h.replicate.state.predictions.configure(model, { manual: true });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a tide while away' },
      { name: 'count', value: 2 },
    ]);
    await waitForEdit(h, interaction.token, /Batch of 2: “a tide while away”/);
    const mine = () =>
      [...h.replicate.state.predictions.predictions.values()].filter(
        (entry) => entry.prediction.input?.prompt === 'a tide while away',
      );
    const stoppedAt = h.discord.mark();
    await h.restartBot({}, async () => {
      // The bot is down: the clips finish (the second starts when the first ends, one job a
      // person), and the grid is kept with nobody to show it.
      const ended = new Promise<GroupEvent>((resolve) => {
        const stop = h.groups.subscribe((event) => {
          if (event.type !== 'finished' || event.group.prompt !== 'a tide while away') return;
          stop();
          resolve(event);
        });
      });
      const finishAll = () => {
        for (const entry of mine())
          while (entry.prediction.status !== 'succeeded')
            h.replicate.state.predictions.advance(entry.prediction.id);
      };
      const stopFinishing = h.service.subscribe(finishAll);
      finishAll();
      expect((await ended).group.status).toBe('succeeded');
      stopFinishing();
    });
    const grid = await waitForEdit(h, interaction.token, /Side by side above/, stoppedAt);
    expect(grid.files).toHaveLength(1);
    expect(isMp4(grid.files[0]!.bytes)).toBe(true);
    await h.bot.idle();
    // Once: a second start owes nothing, its ref says the grid is shown.
    await h.restartBot();
    await h.bot.idle();
    const finals = editsOf(h, interaction.token).filter((call) =>
      /Side by side above/.test(call.json?.content ?? ''),
    );
    expect(finals).toHaveLength(1);
  });
});
