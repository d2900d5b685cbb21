import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Generation } from '../../../src/core/generations/types.js';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { maxPromptChars } from '../../../src/core/prompt-limit.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { until } from '../generations/harness.js';
import { messageText, nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'minimax/video-01';
const slow = 'tencent/hunyuan-video';
const channel = 'C0GENERAL';
const person = { id: 'U0NEXTSTEP', name: 'grace' };
let h: SlackHarness;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-slack-next-'));

beforeAll(async () => {
  h = await startSlackHarness({ env: { MAX_CHAIN: '3' } });
  h.replicate.state.predictions.configure(model, { steps: 1, tickMs: 2 });
  // Predictions of this model move only when the test says so: a job that stays running.
  h.replicate.state.predictions.configure(slow, { manual: true, steps: 2 });
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

/** The raw RGB of every frame of a video, or of an image's one frame. */
function rgb(file: string): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** Waits until a generation's video is in its thread, and returns its finished status message. */
async function finished(generation: Generation) {
  await until(async () => (await h.store.get(generation.id))?.messageRef?.delivered === true);
  const ref = (await h.store.get(generation.id))!.messageRef as { channel: string; ts: string };
  await until(() => messageText(h.slack.message(ref.channel, ref.ts)).includes('reelbot_reroll'));
  return { ref, message: h.slack.message(ref.channel, ref.ts)! };
}

function press(message: { ts: string; blocks?: unknown[] }, actionId: string) {
  return h.client.messageButton({ channelId: channel, message, actionId, person });
}

/** Presses a button that opens a modal and returns the modal as the fake holds it. */
async function opensModal(message: { ts: string; blocks?: unknown[] }, actionId: string) {
  const since = h.slack.log.last;
  await press(message, actionId);
  const open = await h.slack.waitForCall('views.open', () => true, { since });
  return (open.response as { view: { id: string } }).view.id;
}

describe('Slack: the next step from a finished video', () => {
  let root: Generation;
  let rootMessage: { ts: string; blocks?: unknown[] };
  let part: Generation;

  it('shows Re-roll, Parameters, Edit, Extend, Delete, Favorite and Download; Parameters tells the input', async () => {
    const form = await openModelForm(h, {
      command: '/video',
      text: 'a kite over green hills',
      model,
      person,
    });
    const done = nextEvent(
      h.service,
      (e) => e.type === 'succeeded' && e.generation.prompt === 'a kite over green hills',
    );
    await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    root = (await done).generation;
    rootMessage = (await finished(root)).message;
    const actions = (rootMessage.blocks as { elements?: { action_id?: string }[] }[])
      .flatMap((block) => block.elements ?? [])
      .map((element) => element.action_id);
    for (const id of [
      'reelbot_reroll',
      'reelbot_parameters',
      'reelbot_edit',
      'reelbot_extend',
      'reelbot_delete',
      'reelbot_favorite',
      'reelbot_download',
    ])
      expect(actions).toContain(id);

    const since = h.slack.log.last;
    await press(rootMessage, 'reelbot_parameters');
    const answer = await h.slack.waitForCall('response_url', () => true, { since });
    expect(answer.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.args.text)).toContain(`Parameters of ${root.id}`);
    expect(String(answer.args.text)).toContain('a kite over green hills');
    expect(String(answer.args.text)).toContain('`minimax/video-01`');
  });

  it('Re-roll runs the same input again, as a new status message with its video in the thread', async () => {
    const rerolled = nextEvent(h.service, (e) => e.type === 'succeeded' && e.generation.id !== root.id);
    await press(rootMessage, 'reelbot_reroll');
    const again = (await rerolled).generation;
    expect(again.prompt).toBe(root.prompt);
    expect(again.model).toBe(root.model);
    expect(again.origin).toEqual({ kind: 'reroll', generationId: root.id });
    expect(again.requester.userId).toBe(person.id);
    const { ref } = await finished(again);
    expect(ref.ts).not.toBe(rootMessage.ts);
    const thread = h.slack.messages(ref.channel, ref.ts);
    expect(thread.flatMap((m) => m.files ?? []).map((f) => f.name)).toEqual([`${again.id}.mp4`]);
  });

  it('Extend continues from the exact last frame and posts the part and the chain joined with files.uploadV2', async () => {
    const viewId = await opensModal(rootMessage, 'reelbot_extend');
    const modal = h.slack.view(viewId)!.view as Json;
    expect(JSON.stringify(modal.title)).toContain('part 2 of 3');
    expect(JSON.stringify(modal.blocks)).toContain('a kite over green hills');
    // The clip's own model takes an image: preselected, with the image-to-video models beside it.
    const picker = (modal.blocks as Json[]).find((b) => b.block_id === 'model')!.element as {
      type: string;
      initial_option: { value: string };
      options: { value: string }[];
    };
    expect(picker.type).toBe('static_select');
    expect(picker.initial_option.value).toBe(model);
    expect(picker.options.map((o) => o.value)).toEqual(
      expect.arrayContaining([model, 'minimax/video-01-live', 'ali-vilab/i2vgen-xl']),
    );
    // Held to the prompt limit in the modal, and a longer prompt is refused while the modal is open.
    expect(JSON.stringify(modal.blocks)).toContain(`"max_length":${maxPromptChars}`);
    const tooLong = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { prompt: 'k'.repeat(maxPromptChars + 1) },
      person,
    });
    expect(tooLong.json).toEqual({
      response_action: 'errors',
      errors: { prompt: 'Prompts can be at most 2,000 characters; yours has 2,001' },
    });
    const done = nextEvent(
      h.service,
      (e) => e.type === 'succeeded' && e.generation.prompt === 'the kite lands',
    );
    await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { prompt: 'the kite lands' },
      person,
    });
    part = (await done).generation;
    expect(part.origin).toEqual({ kind: 'extend', generationId: root.id });

    // The prediction's image is the first clip's last frame, uploaded through the Files API.
    const prediction = h.replicate.state.predictions.predictions.get(part.predictionId!)!;
    const imageUrl = String(prediction.prediction.input?.first_frame_image);
    const uploaded = [...h.replicate.state.predictions.files.values()].find((file) =>
      imageUrl.includes(file.id),
    )!;
    const frame = path.join(work, 'frame.png');
    fs.writeFileSync(frame, uploaded.bytes);
    const clip = rgb((await fakeMedia()).video);
    const frameRgb = rgb(frame);
    expect(frameRgb.equals(clip.subarray(clip.length - frameRgb.length))).toBe(true);

    // The part, then the whole chain joined: its duration is the two clips'.
    const { ref } = await finished(part);
    const files = h.slack.messages(ref.channel, ref.ts).flatMap((m) => m.files ?? []);
    expect(files.map((f) => f.name)).toEqual([`${part.id}.mp4`, `${part.id}.joined.mp4`]);
    const joined = path.join(work, 'joined.mp4');
    fs.writeFileSync(joined, files[1]!.bytes);
    const clipSeconds = (await probe((await fakeMedia()).video)).durationSeconds!;
    expect((await probe(joined)).durationSeconds).toBeCloseTo(clipSeconds * 2, 0);
    // Both files are the video's: Delete takes them out of the thread.
    expect((await h.store.get(part.id))!.messageRef?.fileIds).toHaveLength(2);
  });

  it('Edit opens the form filled with the previous values, keeps the image, and links back', async () => {
    // As if it had been made with a parameter off its default: the form must show that value.
    await h.store.update(part.id, { input: { ...part.input, prompt_optimizer: false } });
    const edited = (await h.store.get(part.id))!;
    const { message } = await finished(edited);
    const viewId = await opensModal(message, 'reelbot_edit');
    const blocks = (h.slack.view(viewId)!.view as { blocks: Json[] }).blocks;
    const block = (id: string) => blocks.find((b) => b.block_id === id)!;
    expect((block('prompt').element as Json).initial_value).toBe('the kite lands');
    // A checkbox, on by default: unticked, as the video was made.
    expect((block('prompt_optimizer').element as Json).initial_options).toBeUndefined();
    expect(block('first_frame_image').optional).toBe(true);
    expect(JSON.stringify(block('first_frame_image'))).toMatch(/keep the same image/i);

    const done = nextEvent(
      h.service,
      (e) => e.type === 'succeeded' && e.generation.prompt === 'the kite lands softly',
    );
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { prompt: 'the kite lands softly' },
      person,
    });
    expect(submit.json.response_action).toBeUndefined();
    const rerun = (await done).generation;
    expect(rerun.origin).toEqual({ kind: 'edit', generationId: part.id });
    expect(rerun.input.first_frame_image).toBe(edited.input.first_frame_image);
    expect(rerun.input.prompt_optimizer).toBe(false);
  });

  it('Extend runs the model picked in its modal, then stops at MAX_CHAIN, in plain words to the person, before any modal', async () => {
    h.replicate.state.predictions.configure('ali-vilab/i2vgen-xl', { steps: 1, tickMs: 2 });
    const viewId = await opensModal(
      (await finished((await h.store.get(part.id))!)).message,
      'reelbot_extend',
    );
    expect(JSON.stringify((h.slack.view(viewId)!.view as Json).title)).toContain('part 3 of 3');
    const done = nextEvent(
      h.service,
      (e) => e.type === 'succeeded' && e.generation.prompt === 'the kite at night',
    );
    await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { prompt: 'the kite at night', model: 'ali-vilab/i2vgen-xl' },
      person,
    });
    const third = (await done).generation;
    expect(third.model).toBe('ali-vilab/i2vgen-xl');
    const image = String(
      h.replicate.state.predictions.predictions.get(third.predictionId!)!.prediction.input?.image,
    );
    expect([...h.replicate.state.predictions.files.values()].some((file) => image.includes(file.id))).toBe(
      true,
    );
    const { message } = await finished(third);
    const since = h.slack.log.last;
    await press(message, 'reelbot_extend');
    const refused = await h.slack.waitForCall('response_url', () => true, { since });
    expect(refused.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refused.args.text)).toContain('3 parts');
    expect(h.slack.log.of('views.open').filter((c) => c.seq > since)).toHaveLength(0);
  });

  it('/reelbot jobs lists the running jobs with Cancel, and Cancel there stops the job', async () => {
    const help = await h.client.slashCommand({ command: '/reelbot', text: 'help', person });
    expect(String(help.json.text)).toContain('`/reelbot jobs`');
    expect(String(help.json.text)).toContain('*Extend*');
    const empty = await h.client.slashCommand({ command: '/reelbot', text: 'jobs', person });
    expect(String(empty.json.text)).toContain('no running or queued jobs');

    const form = await openModelForm(h, { command: '/video', text: 'a slow sunrise', model: slow, person });
    const started = nextEvent(h.service, (e) => e.type === 'started' && e.generation.model === slow);
    await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    const job = (await started).generation;

    const reply = await h.client.slashCommand({ command: '/reelbot', text: 'jobs', person });
    expect(reply.json.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.json.blocks)).toContain('a slow sunrise');
    // Someone else's jobs are theirs alone.
    const other = await h.client.slashCommand({
      command: '/reelbot',
      text: 'jobs',
      person: { id: 'U0OTHER01' },
    });
    expect(JSON.stringify(other.json)).not.toContain('a slow sunrise');

    const canceled = nextEvent(h.service, (e) => e.type === 'canceled' && e.generation.id === job.id);
    const since = h.slack.log.last;
    await h.client.messageButton({
      channelId: channel,
      message: { ts: '1.1', blocks: reply.json.blocks as unknown[] },
      actionId: 'reelbot_cancel',
      person,
      ephemeral: true,
    });
    expect((await canceled).generation.status).toBe('canceled');
    const told = await h.slack.waitForCall('response_url', () => true, { since });
    expect(String(told.args.text)).toContain(`Canceled \`${job.id}\``);
    const after = await h.client.slashCommand({ command: '/reelbot', text: 'jobs', person });
    expect(String(after.json.text)).toContain('no running or queued jobs');
  });
});
