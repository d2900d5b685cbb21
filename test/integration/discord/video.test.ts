import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { type DiscordHarness, editsOf, isMp4, startHarness, waitForEdit, waitForEvent } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const order = ['Queued', 'Starting', 'Generating', 'Saving', 'Done'];
const stateOf = (content: string) => order.findIndex((label) => content.split('\n')[0]!.includes(label));

async function probeBytes(bytes: Buffer) {
  const file = path.join(os.tmpdir(), `reelbot-discord-upload-${process.pid}-${Date.now()}.mp4`);
  fs.writeFileSync(file, bytes);
  try {
    return await probe(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function buttonsOf(call: { json?: { components?: { components: Record<string, unknown>[] }[] } }) {
  return (call.json?.components ?? []).flatMap((row) => row.components);
}

describe('/video', () => {
  it('defers, edits one status message through every state in order, and uploads a playable MP4', async () => {
    h.replicate.state.predictions.configure('tencent/hunyuan-video', { manual: true });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a red fox running through snow' },
    ]);
    expect((await h.discord.waitForCallback(interaction)).json.type).toBe(5);

    // Hold the prediction at each step until the message shows it.
    const started = await waitForEvent(
      h,
      (e) => e.type === 'started' && e.generation.prompt === 'a red fox running through snow',
    );
    const prediction = h.replicate.state.predictions.predictions.get(started.generation.predictionId!)!;
    h.replicate.state.predictions.advance(prediction.prediction.id); // processing
    h.replicate.state.predictions.advance(prediction.prediction.id); // 25%
    await waitForEdit(h, interaction.token, /Generating · .* 25%/);
    while (prediction.prediction.status !== 'succeeded')
      h.replicate.state.predictions.advance(prediction.prediction.id);
    const done = await waitForEdit(h, interaction.token, /^✅ Done/);

    const edits = editsOf(h, interaction.token);
    const states = edits.map((call) => stateOf(call.json.content));
    expect(states.every((state) => state >= 0)).toBe(true);
    expect(states).toEqual([...states].sort((a, b) => a - b));
    expect(states.at(-1)).toBe(order.indexOf('Done'));
    expect(edits.at(-1)).toBe(done);
    // One message all along: every edit is of @original, and Cancel is offered while it runs.
    expect(new Set(edits.map((call) => call.route)).size).toBe(1);
    for (const running of edits.slice(0, -1))
      expect(buttonsOf(running).map((b) => b.label)).toEqual(['Cancel']);

    const generation = (await h.store.list({ userId: interaction.user.id })).items[0]!;
    expect(done.json.content).toContain('Model: tencent/hunyuan-video');
    expect(done.json.content).toContain('Prompt: a red fox running through snow');
    expect(generation.seed).toEqual(expect.any(Number));
    expect(done.json.content).toContain(`Seed: ${generation.seed}`);
    expect(done.json.content).toMatch(/Time taken: \d+s/);
    expect(buttonsOf(done).map((b) => b.label)).toEqual([
      'Re-roll',
      'Parameters',
      'Delete',
      'Open in gallery',
      'Extend',
      'Edit & re-run',
      'Favorite',
      'Download',
    ]);
    expect(buttonsOf(done)[3]!.url).toMatch(
      new RegExp(`^https://reelbot.example/g/${generation.id}\\?key=[\\w.-]+$`),
    );

    expect(done.multipart).toBe(true);
    const file = done.files[0]!;
    expect(file.name).toBe(`reelbot-${generation.id}.mp4`);
    expect(isMp4(file.bytes)).toBe(true);
    expect(file.bytes.length).toBeLessThanOrEqual(interaction.attachmentSizeLimit);
    const info = await probeBytes(file.bytes);
    expect(info.codec).toBe('h264');
    expect(info.durationSeconds).toBeGreaterThan(1);
    expect(h.discord.message(interaction.originalMessageId!)?.attachments).toHaveLength(1);
  });

  it('re-encodes an output above the interaction attachment limit so that it fits', async () => {
    h.replicate.state.predictions.configure('minimax/video-01', { steps: 1, tickMs: 2 });
    const sample = fs.statSync((await fakeMedia()).video).size;
    // Small enough to need a re-encode, large enough for the audio and a watchable bitrate.
    const limit = Math.floor(sample * 0.85);
    const interaction = h.discord.sendCommand(
      'video',
      [
        { name: 'model', value: 'minimax/video-01' },
        { name: 'prompt', value: 'a lighthouse in a storm' },
      ],
      { attachmentSizeLimit: limit },
    );
    const done = await waitForEdit(h, interaction.token, /^✅ Done/);
    expect(done.json.content).toContain('Re-encoded to fit');
    const file = done.files[0]!;
    expect(file.bytes.length).toBeLessThanOrEqual(limit);
    expect(isMp4(file.bytes)).toBe(true);
    expect((await probeBytes(file.bytes)).codec).toBe('h264');
  });

  it('sends the poster and a gallery link when even a re-encode cannot fit', async () => {
    h.replicate.state.predictions.configure('minimax/video-01', { steps: 1, tickMs: 2 });
    const interaction = h.discord.sendCommand(
      'video',
      [
        { name: 'model', value: 'minimax/video-01' },
        { name: 'prompt', value: 'a very long journey' },
      ],
      { attachmentSizeLimit: 20 * 1024 },
    );
    const done = await waitForEdit(h, interaction.token, /^✅ Done/);
    const generation = (await h.store.list({ search: 'very long journey' })).items[0]!;
    expect(done.json.content).toContain(`https://reelbot.example/g/${generation.id}?key=`);
    expect(done.files.map((f) => f.contentType)).toEqual(['image/jpeg']);
    expect(done.files[0]!.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it("shows a failed model's error in plain words, with Replicate's own message", async () => {
    h.replicate.state.predictions.configure('tencent/hunyuan-video', {
      steps: 1,
      tickMs: 2,
      failWith: 'CUDA out of memory. Tried to allocate 2.00 GiB',
    });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a cat on the grass' },
    ]);
    const failed = await waitForEdit(h, interaction.token, /^❌ Failed/);
    expect(failed.json.content).toContain('Replicate said: CUDA out of memory');
    expect(failed.files).toHaveLength(0);
    // Its gallery page shows the whole error.
    expect(buttonsOf(failed).map((b) => b.label)).toEqual([
      'Re-roll',
      'Parameters',
      'Open in gallery',
      'Edit & re-run',
    ]);
  });

  it('goes on with the bot token on the channel message once the interaction token has expired', async () => {
    h.replicate.state.predictions.configure('minimax/video-01', { manual: true });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a slow sunrise over the sea' },
    ]);
    const started = await waitForEvent(
      h,
      (e) => e.type === 'started' && e.generation.prompt === 'a slow sunrise over the sea',
    );
    await waitForEdit(h, interaction.token, /Starting|Generating/);
    await h.bot.idle();
    h.discord.expireToken(interaction);
    const mark = h.discord.mark();
    const prediction = h.replicate.state.predictions.predictions.get(started.generation.predictionId!)!;
    while (prediction.prediction.status !== 'succeeded')
      h.replicate.state.predictions.advance(prediction.prediction.id);
    const messageId = interaction.originalMessageId!;
    const done = await h.discord.waitForCall(
      (call) =>
        call.method === 'PATCH' &&
        call.route === `/channels/${h.discord.state.channelId}/messages/${messageId}` &&
        /^✅ Done/.test(call.json?.content ?? ''),
      mark,
    );
    expect(done.authorization).toBe(`Bot ${h.discord.state.token}`);
    expect(isMp4(done.files[0]!.bytes)).toBe(true);
    expect(h.discord.message(messageId)?.attachments[0]?.filename).toMatch(/\.mp4$/);
  });
});
