import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordedCall } from '../../fakes/slack/index.js';
import { messageText, openModelForm, publicUrl, type SlackHarness, startSlackHarness } from './harness.js';

const zeroscope = 'anotherjesse/zeroscope-v2-xl';

describe('Slack /video: modal, status message, video in the thread', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Opens the modal with /video and picks a model; returns the view id after views.update. */
  async function openForm(person: { id: string; name?: string }, text: string, model: string) {
    const { viewId, reply } = await openModelForm(h, { command: '/video', text, model, person });
    expect(reply.status).toBe(200);
    return viewId;
  }

  it('opens the model chooser at once, offers models as you type, and shows the chosen form', async () => {
    const since = h.slack.log.last;
    const reply = await h.client.slashCommand({ command: '/video', text: 'a red fox in the snow' });
    expect(reply.status).toBe(200);
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const view = open.args.view as { blocks: { block_id?: string; element?: { action_id: string } }[] };
    expect(view.blocks[0]).toMatchObject({ block_id: 'reelbot_model', element: { action_id: 'model' } });
    const metadata = JSON.parse((open.args.view as { private_metadata: string }).private_metadata);
    expect(metadata).toMatchObject({ c: 'C0GENERAL', u: 'U0PERSON1' });

    const viewId = (open.response as { view: { id: string } }).view.id;
    const options = await h.client.blockSuggestion({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: 'zeroscope',
    });
    const offered = (options.json.options as { value: string }[]).map((o) => o.value);
    expect(offered[0]).toBe(zeroscope);

    await h.client.viewAction({ view: h.slack.viewPayload(viewId), actionId: 'model', value: zeroscope });
    const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
    const blocks = (
      update.args.view as { blocks: { block_id?: string; element?: Record<string, unknown> }[] }
    ).blocks;
    const prompt = blocks.find((b) => b.block_id === 'prompt');
    // The text after the command is carried into the model's prompt field.
    expect(prompt?.element?.initial_value).toBe('a red fox in the snow');
    expect(blocks.some((b) => b.block_id === 'seed')).toBe(true);
  });

  it('goes straight to the form of a model named after the command', async () => {
    const since = h.slack.log.last;
    await h.client.slashCommand({ command: '/video', text: 'tencent/hunyuan-video a comet over the sea' });
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const opened = open.args.view as { blocks: { element?: { initial_option?: { value: string } } }[] };
    expect(opened.blocks[0]?.element?.initial_option?.value).toBe('tencent/hunyuan-video');
    const viewId = (open.response as { view: { id: string } }).view.id;
    const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
    const blocks = (
      update.args.view as { blocks: { block_id?: string; element?: Record<string, unknown> }[] }
    ).blocks;
    expect(blocks.find((b) => b.block_id === 'prompt')?.element?.initial_value).toBe('a comet over the sea');
  });

  it('says why when the named model has no form, and offers the chooser again', async () => {
    const since = h.slack.log.last;
    await h.client.slashCommand({ command: '/video', text: 'nobody/no-such-model a cat' });
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const viewId = (open.response as { view: { id: string } }).view.id;
    const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
    expect(messageText(update.args.view as { blocks: unknown[] })).toMatch(/could not find the model/);
  });

  it('posts a status message, keeps it updated, and uploads the MP4 into its thread', async () => {
    const person = { id: 'U0FLOW001', name: 'grace' };
    const since = h.slack.log.last;
    const viewId = await openForm(person, 'a lighthouse at dawn', zeroscope);
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { seed: '1234' },
      person,
    });
    expect(submit.status).toBe(200);
    expect(submit.json.response_action).toBeUndefined();

    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    expect(messageText(post.args)).toContain('reelbot_cancel');

    const isDone = (c: RecordedCall) => c.args.ts === ts && messageText(c.args).includes('Done');
    await h.slack.waitForCall('chat.update', isDone, { since });
    const complete = await h.slack.waitForCall('files.completeUploadExternal', () => true, { since });
    expect(complete.args.thread_ts).toBe(ts);
    expect(complete.args.channel_id).toBe('C0GENERAL');

    const generation = (await h.store.list({ userId: person.id })).items[0]!;
    expect(generation.status).toBe('succeeded');
    expect(generation.seed).toBe(1234);
    const comment = String(complete.args.initial_comment);
    expect(comment).toContain(zeroscope);
    expect(comment).toContain('a lighthouse at dawn');
    expect(comment).toContain('seed 1234');
    expect(comment).toContain(`${publicUrl}/g/${generation.id}`);

    // The bytes Slack received are the video reelbot kept, and they are an MP4.
    const fileId = (complete.response as { files: { id: string }[] }).files[0]!.id;
    const uploaded = h.slack.workspace.files.get(fileId)!;
    expect(uploaded.mimetype).toBe('video/mp4');
    expect(uploaded.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const kept = fs.readFileSync(path.join(h.config.dataDir, generation.media!.path));
    expect(uploaded.bytes.equals(kept)).toBe(true);
    expect(createHash('sha256').update(uploaded.bytes).digest('hex')).toBe(generation.media!.sha256);

    // The last word on the status message is the final state, without a Cancel button.
    const final = h.slack.message('C0GENERAL', ts)!;
    expect(messageText(final)).toContain('Done');
    expect(messageText(final)).not.toContain('reelbot_cancel');
    // Remembered with the generation, so a restarted bot neither edits nor uploads again.
    await vi.waitFor(async () =>
      expect((await h.store.get(generation.id))!.messageRef).toMatchObject({
        ts,
        closed: true,
        delivered: true,
      }),
    );
  });

  it('sends bad values back as errors on their blocks, leaving the modal open', async () => {
    const person = { id: 'U0BADVAL1' };
    const since = h.slack.log.last;
    const viewId = await openForm(person, 'a cat', zeroscope);
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { width: '100', num_inference_steps: '9000' },
      person,
    });
    expect(submit.json.response_action).toBe('errors');
    const errors = submit.json.errors as Record<string, string>;
    expect(errors.width).toMatch(/256/);
    // Named as the form labels it ("Num Inference Steps"), not "Num_inference_steps".
    expect(errors.num_inference_steps).toBe('Num Inference Steps must be between 1 and 500');
    expect(h.slack.log.of('chat.postMessage', (c) => c.seq > since)).toEqual([]);
    expect((await h.store.list({ userId: person.id })).items).toEqual([]);
  });
});
