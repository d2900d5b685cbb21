import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordHarness, pngBytes, startHarness, waitForEdit } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness();
  h.replicate.state.predictions.configure('minimax/video-01-live', { steps: 1, tickMs: 2 });
});
afterAll(async () => {
  await h?.close();
});

type Component = { type: number; custom_id?: string; component?: Component };

function predictionFor(prompt: string) {
  return [...h.replicate.state.predictions.predictions.values()].find(
    (p) => p.prediction.input?.prompt === prompt,
  );
}

/** The bytes Replicate's Files API holds behind a file URL given as a prediction input. */
function uploadedBytes(url: string): Buffer | undefined {
  return [...h.replicate.state.predictions.files.values()].find((file) => url.includes(file.id))?.bytes;
}

/** Opens the context menu on `messageId`, fills the form's prompt, and waits for the video. */
async function animateFromMenu(messageId: string, prompt: string) {
  const command = h.discord.sendMessageCommand('Animate this image', messageId);
  const answer = (await h.discord.waitForCallback(command)).json;
  // The default image model needs a prompt: its form opens, the image already given.
  expect(answer.type).toBe(9);
  const fields = (answer.data.components as Component[]).map((label) => label.component!);
  expect(fields.map((c) => c.custom_id)).toContain('prompt');
  const submit = h.discord.submitModal(answer.data.custom_id, [{ customId: 'prompt', value: prompt }]);
  return waitForEdit(h, submit.token, /^✅ Done/);
}

describe('"Animate this image" on a message', () => {
  it('is registered as a message command', () => {
    const command = h.discord.state.globalCommands.find((c) => c.name === 'Animate this image');
    expect(command?.type).toBe(3);
  });

  it("animates a message's attached image: the model gets exactly those bytes", async () => {
    const png = await pngBytes();
    const file = h.discord.uploadAttachment({ bytes: png, filename: 'lake.png', contentType: 'image/png' });
    const message = h.discord.postUserMessage({ content: 'look at this lake', attachments: [file] });
    const done = await animateFromMenu(message.id, 'ripples cross the lake');
    expect(done.json.content).toContain('Model: minimax/video-01-live');
    const url = predictionFor('ripples cross the lake')!.prediction.input?.first_frame_image as string;
    expect(uploadedBytes(url)?.equals(png)).toBe(true);
  });

  it("animates an embed's image (a pasted image link)", async () => {
    const png = await pngBytes();
    const hosted = h.discord.uploadAttachment({ bytes: png, filename: 'hill.png', contentType: 'image/png' });
    const message = h.discord.postUserMessage({
      content: hosted.url,
      embeds: [
        { type: 'image' as never, url: hosted.url, thumbnail: { url: hosted.url, proxy_url: hosted.url } },
      ],
    });
    await animateFromMenu(message.id, 'clouds roll over the hill');
    const url = predictionFor('clouds roll over the hill')!.prediction.input?.first_frame_image as string;
    expect(uploadedBytes(url)?.equals(png)).toBe(true);
  });

  it('answers privately, and starts nothing, on a message without an image', async () => {
    const before = h.replicate.state.predictions.predictions.size;
    const notes = h.discord.uploadAttachment({
      bytes: Buffer.from('shopping list\n'),
      filename: 'notes.txt',
      contentType: 'text/plain',
    });
    const message = h.discord.postUserMessage({ content: 'no picture here', attachments: [notes] });
    const command = h.discord.sendMessageCommand('Animate this image', message.id);
    const answer = (await h.discord.waitForCallback(command)).json;
    expect(answer.type).toBe(4);
    expect(answer.data.flags & 64).toBe(64);
    expect(answer.data.content).toContain('no image to animate');
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
  });
});
