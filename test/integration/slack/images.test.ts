import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { fileJson } from '../../fakes/slack/index.js';
import { openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const i2vgen = 'ali-vilab/i2vgen-xl';
const minimaxLive = 'minimax/video-01-live';

describe('Slack images: file_input and "Animate this image"', () => {
  let h: SlackHarness;
  let png: Buffer;
  beforeAll(async () => {
    h = await startSlackHarness();
    png = fs.readFileSync((await fakeMedia()).image);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function openAnimate(person: { id: string }, model: string, text = '') {
    const { viewId, since } = await openModelForm(h, { command: '/animate', text, model, person });
    return { viewId, since };
  }

  it('offers only image models in /animate and turns an attached image into a video', async () => {
    const person = { id: 'U0IMAGE01' };
    const { viewId, since } = await openAnimate(person, i2vgen, 'the cat blinks slowly');
    const suggestions = await h.client.blockSuggestion({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: '',
    });
    const offered = (suggestions.json.options as { value: string }[]).map((o) => o.value);
    expect(offered).toContain(i2vgen);
    expect(offered).not.toContain('anotherjesse/zeroscope-v2-xl');

    const form = h.slack.view(viewId)!.view as {
      blocks: { block_id?: string; element?: { type: string } }[];
    };
    expect(form.blocks.find((b) => b.block_id === 'image')?.element?.type).toBe('file_input');

    const file = h.slack.addFile({ name: 'cat.png', bytes: png, user: person.id });
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { image: [fileJson(file)] },
      person,
    });
    expect(submit.json.response_action).toBeUndefined();

    // The bot token reads the private file; the core fetched it and handed it to Replicate.
    const download = await h.slack.waitForCall('download', (c) => c.args.fileId === file.id, { since });
    expect(download.args.authorized).toBe(true);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
    const uploadedToReplicate = [...h.replicate.state.predictions.files.values()];
    expect(uploadedToReplicate.some((f) => f.bytes.equals(png))).toBe(true);
    const generation = (await h.store.list({ userId: person.id })).items[0]!;
    expect(generation.status).toBe('succeeded');
    expect(String(generation.input.image)).toMatch(/^http/);
  });

  it('refuses a file that is not an image, on the image block', async () => {
    const person = { id: 'U0IMAGE02' };
    const { viewId } = await openAnimate(person, i2vgen, 'a dog');
    const text = h.slack.addFile({ name: 'notes.png', bytes: Buffer.from('just some text, not a picture') });
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { image: [fileJson(text)] },
      person,
    });
    expect(submit.json.response_action).toBe('errors');
    expect((submit.json.errors as Record<string, string>).image).toMatch(/not a JPEG, PNG, GIF or WebP/);
  });

  it('animates the image of a shared message with the message shortcut', async () => {
    const person = { id: 'U0SHARE01' };
    const since = h.slack.log.last;
    const file = h.slack.addFile({
      name: 'harbour.png',
      bytes: png,
      user: 'U0PERSON2',
      channel: 'C0GENERAL',
    });
    await h.client.messageShortcut({
      callbackId: 'animate_image',
      message: { ts: '1699999999.000100', text: 'boats bobbing in the harbour', files: [fileJson(file)] },
      person,
    });
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const viewId = (open.response as { view: { id: string } }).view.id;
    await h.client.viewAction({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: minimaxLive,
      person,
    });
    const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
    const blocks = (
      update.args.view as {
        blocks: { block_id?: string; optional?: boolean; element?: Record<string, unknown> }[];
      }
    ).blocks;
    // The shared image fills the image input, which may stay empty in the form.
    expect(blocks.find((b) => b.block_id === 'first_frame_image')?.optional).toBe(true);
    expect(blocks.find((b) => b.block_id === 'prompt')?.element?.initial_value).toBe(
      'boats bobbing in the harbour',
    );

    await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
    await h.slack.waitForCall('files.info', (c) => c.args.file === file.id, { since });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
    const generation = (await h.store.list({ userId: person.id })).items[0]!;
    expect(generation.model).toBe(minimaxLive);
    expect(String(generation.input.first_frame_image)).toMatch(/^http/);
  });

  it('says so when the shortcut is used on a message without an image', async () => {
    const since = h.slack.log.last;
    await h.client.messageShortcut({
      callbackId: 'animate_image',
      message: { ts: '1699999999.000200', text: 'no pictures here' },
    });
    const reply = await h.slack.waitForCall('response_url', () => true, { since });
    expect(String(reply.args.text)).toMatch(/no image/);
    expect(h.slack.log.of('views.open', (c) => c.seq > since)).toEqual([]);
  });

  it('names files:read when the token cannot read shared files', async () => {
    const person = { id: 'U0NOSCOPE' };
    const { viewId } = await openAnimate(person, i2vgen, 'a bird');
    const file = h.slack.addFile({ name: 'bird.png', bytes: png });
    h.slack.revokeScope('files:read');
    try {
      const submit = await h.client.viewSubmission({
        view: h.slack.viewPayload(viewId),
        inputs: { image: [fileJson(file)] },
        person,
      });
      expect(submit.json.response_action).toBe('errors');
      expect((submit.json.errors as Record<string, string>).image).toContain('`files:read`');
    } finally {
      h.slack.workspace.scopes.add('files:read');
    }
  });
});
