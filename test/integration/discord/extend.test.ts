import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { buttonOf as button, type DiscordHarness, isMp4, startHarness, waitForEdit } from './harness.js';

let h: DiscordHarness;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-extend-test-'));
beforeAll(async () => {
  h = await startHarness({ serverSettings: true, env: { MAX_CHAIN: '3' } });
  h.replicate.state.predictions.configure('minimax/video-01', { steps: 1, tickMs: 2 });
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** The raw RGB of every frame of a video, or of an image's one frame. */
function rgb(file: string): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** Presses Extend on a finished message, submits the prompt modal, and returns the new status message's token. */
async function extend(messageId: string, done: Parameters<typeof button>[0], prompt: string) {
  const press = h.discord.pressButton(messageId, button(done, 'Extend').custom_id);
  const modal = (await h.discord.waitForCallback(press)).json;
  expect(modal.type).toBe(9);
  const submit = h.discord.submitModal(modal.data.custom_id, [{ customId: 'prompt', value: prompt }]);
  expect((await h.discord.waitForCallback(submit)).json.type).toBe(5);
  return { modal: modal.data, submit };
}

/** The model select of an Extend modal (a string select inside a Label). */
function modelSelect(modal: { components: unknown }) {
  const labels = modal.components as { component: { type: number; custom_id: string } }[];
  const found = labels.find((label) => label.component.custom_id === 'model')?.component;
  expect(found?.type).toBe(3);
  return found as unknown as { options: { value: string; default?: boolean }[]; required: boolean };
}

describe('Extend on Discord', () => {
  it('continues from the exact last frame, posts the part and the chain joined, and stops at MAX_CHAIN', async () => {
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a paper boat on a stream' },
    ]);
    const first = await waitForEdit(h, command.token, /^✅ Done/);
    const root = (await h.store.list({ search: 'paper boat' })).items[0]!;

    const { modal, submit } = await extend(command.originalMessageId!, first, 'the boat reaches the sea');
    expect(modal.title).toContain('part 2 of 3');
    expect(JSON.stringify(modal.components)).toContain('a paper boat on a stream');
    // The clip's own model takes an image: it is preselected, and the image-to-video ones are offered.
    const picker = modelSelect(modal);
    expect(picker.options.find((option) => option.default)?.value).toBe('minimax/video-01');
    expect(picker.options.map((option) => option.value)).toEqual(
      expect.arrayContaining(['minimax/video-01-live', 'ali-vilab/i2vgen-xl']),
    );
    const second = await waitForEdit(h, submit.token, /^✅ Done/);

    // The prediction got the first clip's last frame as its image, uploaded through the Files API.
    const part = (await h.store.list({ search: 'reaches the sea' })).items[0]!;
    expect(part.origin).toEqual({ kind: 'extend', generationId: root.id });
    expect(part.chainId).toBe(root.id);
    const prediction = h.replicate.state.predictions.predictions.get(part.predictionId!)!;
    const imageUrl = String(prediction.prediction.input?.first_frame_image);
    const uploaded = [...h.replicate.state.predictions.files.values()].find((file) =>
      imageUrl.includes(file.id),
    )!;
    // Named after the clip it continues, so the upload is recognisable in Replicate's file list.
    expect(uploaded).toMatchObject({ name: `${root.id}-last-frame.png`, contentType: 'image/png' });
    const frame = path.join(work, 'frame.png');
    fs.writeFileSync(frame, uploaded.bytes);
    const clip = rgb((await fakeMedia()).video);
    const frameRgb = rgb(frame);
    expect(frameRgb.equals(clip.subarray(clip.length - frameRgb.length))).toBe(true);

    // The part itself, and the whole chain joined: its duration is the two clips'.
    expect(second.files.map((file) => file.name)).toEqual([
      `reelbot-${part.id}.mp4`,
      `reelbot-${part.id}-joined.mp4`,
    ]);
    const joinedFile = path.join(work, 'joined.mp4');
    fs.writeFileSync(joinedFile, second.files[1]!.bytes);
    expect(isMp4(second.files[1]!.bytes)).toBe(true);
    const joined = await probe(joinedFile);
    expect(joined.codec).toBe('h264');
    expect(joined.durationSeconds).toBeCloseTo(4, 0);
    expect((await h.store.get(part.id))!.joinedMedia?.durationSeconds).toBeCloseTo(4, 0);
    expect((await h.store.get(root.id))!.chainId).toBe(root.id);

    // Part 3 of 3 is allowed; a fourth is refused in plain words, before any form.
    const third = await extend(submit.originalMessageId!, second, 'the sea at night');
    const thirdDone = await waitForEdit(h, third.submit.token, /^✅ Done/);
    const refused = h.discord.pressButton(
      third.submit.originalMessageId!,
      button(thirdDone, 'Extend').custom_id,
    );
    const answer = (await h.discord.waitForCallback(refused)).json;
    expect(answer.data.flags & 64).toBe(64);
    expect(answer.data.content).toContain('3 parts');
    expect((await h.store.chain(root.id)).map((g) => g.id)).toHaveLength(3);
  });

  it('Edit & re-run opens the form filled with the prompt, every parameter and the same image, and links back', async () => {
    const found = (await h.store.list({ search: 'reaches the sea' })).items[0]!;
    // As if it had been made with a parameter off its default: the form must show that value.
    await h.store.update(found.id, { input: { ...found.input, prompt_optimizer: false } });
    const part = (await h.store.get(found.id))!;
    const messageId = (part.messageRef as { messageId: string }).messageId;
    // The part's finished message, the one whose buttons name it.
    const done = h.discord.calls.findLast(
      (call) =>
        call.method === 'PATCH' && JSON.stringify(call.json?.components ?? []).includes(`rb:edit:${part.id}`),
    )!;
    const press = h.discord.pressButton(messageId, button(done, 'Edit & re-run').custom_id);
    const modal = (await h.discord.waitForCallback(press)).json;
    expect(modal.type).toBe(9);
    const labels = modal.data.components as {
      label: string;
      description?: string;
      component: Record<string, unknown>;
    }[];
    const byId = new Map(labels.map((label) => [label.component.custom_id, label]));
    expect(byId.get('prompt')!.component.value).toBe('the boat reaches the sea');
    const optimizer = byId.get('prompt_optimizer')!.component as {
      options: { value: string; default?: boolean }[];
    };
    const previousOptimizer = 'false';
    expect(optimizer.options.find((option) => option.default)?.value).toBe(previousOptimizer);
    expect(byId.get('first_frame_image')!.component.required).toBe(false);
    expect(byId.get('first_frame_image')!.description).toMatch(/keep the same image/i);

    const submit = h.discord.submitModal(modal.data.custom_id, [
      { customId: 'prompt', value: 'the boat reaches a harbour' },
      { customId: 'prompt_optimizer', values: [previousOptimizer] },
    ]);
    await waitForEdit(h, submit.token, /^✅ Done/);
    const edited = (await h.store.list({ search: 'reaches a harbour' })).items[0]!;
    expect(edited.origin).toEqual({ kind: 'edit', generationId: part.id });
    expect(edited.input.first_frame_image).toBe(part.input.first_frame_image);
    expect(edited.input.prompt_optimizer).toBe(false);
  });

  it('lets the person pick, among the models the server allows, the one that continues a clip whose model takes no image, and gives it the last frame', async () => {
    h.replicate.state.predictions.configure('tencent/hunyuan-video', { steps: 1, tickMs: 2 });
    h.replicate.state.predictions.configure('ali-vilab/i2vgen-xl', { steps: 1, tickMs: 2 });
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a lighthouse in fog' },
    ]);
    const first = await waitForEdit(h, command.token, /^✅ Done/);
    const openModal = async () => {
      const press = h.discord.pressButton(command.originalMessageId!, button(first, 'Extend').custom_id);
      return (await h.discord.waitForCallback(press)).json.data;
    };
    // No DEFAULT_IMAGE_MODEL here: the most run image-to-video model is preselected.
    const modal = await openModal();
    const picker = modelSelect(modal);
    expect(picker.options.find((option) => option.default)?.value).toBe('minimax/video-01-live');
    expect(picker.options.map((option) => option.value)).not.toContain('tencent/hunyuan-video');

    // The server's allow-list holds: only what it allows is offered, and preselected.
    const place = { platform: 'discord' as const, workspaceId: h.discord.state.guildId };
    await h.rules!.change(place, 'allowedModels', ['tencent/hunyuan-video', 'ali-vilab/i2vgen-xl'], {
      userId: 'admin',
    });
    const narrowed = modelSelect(await openModal());
    expect(narrowed.options).toEqual([
      { label: 'ali-vilab/i2vgen-xl', value: 'ali-vilab/i2vgen-xl', default: true },
    ]);
    const outside = h.discord.submitModal(modal.custom_id, [
      { customId: 'model', values: ['minimax/video-01-live'] },
    ]);
    await h.discord.waitForCall(
      (call) =>
        call.route.includes(`/${outside.token}`) &&
        JSON.stringify(call.json ?? {}).includes('not allowed here'),
    );

    // A model that takes no image (a forged submit) is refused in plain words, with no prediction.
    const predictions = h.replicate.state.predictions.predictions.size;
    const forged = h.discord.submitModal(modal.custom_id, [
      { customId: 'prompt', value: 'the fog lifts' },
      { customId: 'model', values: ['tencent/hunyuan-video'] },
    ]);
    await h.discord.waitForCall(
      (call) =>
        call.route.includes(`/${forged.token}`) && JSON.stringify(call.json ?? {}).includes('takes no image'),
    );
    expect(h.replicate.state.predictions.predictions.size).toBe(predictions);

    const submit = h.discord.submitModal(modal.custom_id, [
      { customId: 'prompt', value: 'the beam sweeps the sea' },
      { customId: 'model', values: ['ali-vilab/i2vgen-xl'] },
    ]);
    await waitForEdit(h, submit.token, /^✅ Done/);
    const part = (await h.store.list({ search: 'beam sweeps' })).items[0]!;
    expect(part.model).toBe('ali-vilab/i2vgen-xl');
    const prediction = h.replicate.state.predictions.predictions.get(part.predictionId!)!;
    expect(prediction.prediction.input?.prompt).toBe('the beam sweeps the sea');
    const imageUrl = String(prediction.prediction.input?.image);
    const uploaded = [...h.replicate.state.predictions.files.values()].find((file) =>
      imageUrl.includes(file.id),
    )!;
    const frame = path.join(work, 'picked-frame.png');
    fs.writeFileSync(frame, uploaded.bytes);
    const clip = rgb((await fakeMedia()).video);
    const frameRgb = rgb(frame);
    expect(frameRgb.equals(clip.subarray(clip.length - frameRgb.length))).toBe(true);
  });
});
