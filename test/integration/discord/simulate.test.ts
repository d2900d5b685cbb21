import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/core/generations/simulation-job.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { type DiscordHarness, isMp4, startHarness, waitForEdit } from './harness.js';

// The renderer is heavy I/O (Xvfb, GL, ffmpeg) and tested on its own; here it writes a known MP4.
const renders: { prompt: string; seed: number }[] = [];
const simulator: Simulator = {
  async render(request, outFile, options) {
    renders.push(request);
    options.onProgress?.(50);
    await fs.promises.copyFile((await fakeMedia()).video, outFile);
    return {};
  },
};

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness({ simulator });
});
afterAll(async () => {
  await h?.close();
});

describe('/simulate', () => {
  it('makes a physics video through the service and posts it like any other', async () => {
    const command = h.discord.sendCommand('simulate', [
      { name: 'prompt', value: 'twenty boxes fall onto a ramp' },
    ]);
    expect((await h.discord.waitForCallback(command)).json.type).toBe(5);
    const done = await waitForEdit(h, command.token, /^✅ Done/);
    expect(done.json.content).toContain('Model: physics');
    expect(done.json.content).toContain('Prompt: twenty boxes fall onto a ramp');
    expect(isMp4(done.files[0]!.bytes)).toBe(true);
    expect(renders.map((r) => r.prompt)).toEqual(['twenty boxes fall onto a ramp']);

    const reroll = (done.json.components[0].components as { label: string; custom_id: string }[]).find(
      (b) => b.label === 'Re-roll',
    )!;
    const press = h.discord.pressButton(command.originalMessageId!, reroll.custom_id);
    await waitForEdit(h, press.token, /^✅ Done/);
    expect(renders).toHaveLength(2);
    expect(renders[1]!.seed).not.toBe(renders[0]!.seed);
  });
});
