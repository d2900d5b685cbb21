import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordHarness, editsOf, isMp4, startHarness, waitForEdit } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('/video', () => {
  it('defers, edits one status message through every state, and uploads the MP4 with buttons', async () => {
    h.replicate.state.predictions.configure('minimax/video-01', { steps: 3, tickMs: 5 });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a red fox running through snow' },
    ]);
    const callback = await h.discord.waitForCallback(interaction);
    expect(callback.json.type).toBe(5);
    const done = await waitForEdit(h, interaction.token, /Done/);
    expect(done.multipart).toBe(true);
    const file = done.files[0]!;
    expect(isMp4(file.bytes)).toBe(true);
    expect(file.bytes.length).toBeLessThanOrEqual(interaction.attachmentSizeLimit);
    const labels = editsOf(h, interaction.token).map((c) => c.json.content.split('\n')[0]);
    console.log(labels);
  });
});
