import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/core/generations/simulation-job.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { type DiscordHarness, isMp4, startHarness, waitForEdit } from './harness.js';

// The renderer is heavy I/O (Xvfb, GL, ffmpeg) and tested on its own; here it writes a known MP4.
const renders: Parameters<Simulator['render']>[0][] = [];
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

  it('reads choices typed into the sentence as Slack does, an option given too winning', async () => {
    const command = h.discord.sendCommand('simulate', [
      { name: 'prompt', value: 'a ball falls duration:5 aspect:tall seed:9' },
      { name: 'duration', value: 2 },
    ]);
    const done = await waitForEdit(h, command.token, /^✅ Done/);
    expect(done.json.content).toContain('Prompt: a ball falls\n');
    expect(renders.at(-1)).toMatchObject({
      prompt: 'a ball falls',
      seed: 9,
      video: { duration: 2, aspect: '9:16' },
    });
    // A typed choice that cannot be read: told to the person alone, with an example; nothing starts.
    const before = renders.length;
    const bad = h.discord.sendCommand('simulate', [{ name: 'prompt', value: 'a ball falls quality:ultra' }]);
    const reply = await h.discord.waitForCallback(bad);
    expect(reply.json.data.content).toMatch(
      /quality must be one of draft, standard, high, like quality:high/,
    );
    expect(reply.json.data.flags & 64).toBe(64);
    expect(renders).toHaveLength(before);
  });
});
