import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSlackBot } from '../../../src/bots/slack/index.js';
import type { GroupEvent } from '../../../src/core/generations/groups/types.js';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { fileJson } from '../../fakes/slack/index.js';
import { messageText, openModelForm, publicUrl, type SlackHarness, startSlackHarness } from './harness.js';

const hunyuan = 'tencent/hunyuan-video';
const animateDiff = 'lucataco/animate-diff';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ groups: true, serverSettings: true });
  h.replicate.state.predictions.configure(hunyuan, { steps: 2, tickMs: 2 });
  h.replicate.state.predictions.configure(animateDiff, { steps: 1, tickMs: 2 });
});
afterAll(async () => {
  await h?.close();
});

type Option = { value: string };
type View = { blocks: { block_id?: string; element?: { options?: Option[]; initial_value?: string } }[] };

/** `/reelbot compare <text>`: returns the opened view and its id. */
async function openCompare(text: string, person = { id: 'U0CMP0001', name: 'ada' }) {
  const since = h.slack.log.last;
  const reply = await h.client.slashCommand({ command: '/reelbot', text: `compare ${text}`, person });
  expect(reply.status).toBe(200);
  const open = await h.slack.waitForCall('views.open', () => true, { since });
  const view = open.args.view as View;
  return { view, viewId: (open.response as { view: { id: string } }).view.id, since };
}

const offered = (view: View) =>
  view.blocks.find((b) => b.block_id === 'compare_models')!.element!.options!.map((o) => o.value);

describe('/reelbot compare on Slack', () => {
  it('offers only the allowed models, and wants 2 to 4 of them', async () => {
    const place = { platform: 'slack' as const, workspaceId: h.slack.workspace.teamId };
    await h.botDeps.rules!.change(place, 'allowedModels', [hunyuan, animateDiff], { userId: 'U0ADMIN01' });
    try {
      const { view, viewId } = await openCompare('a lantern on a pier');
      expect(offered(view).sort()).toEqual([animateDiff, hunyuan].sort());
      expect(view.blocks.find((b) => b.block_id === 'compare_prompt')!.element!.initial_value).toBe(
        'a lantern on a pier',
      );
      const one = await h.client.viewSubmission({
        view: h.slack.viewPayload(viewId),
        inputs: { compare_models: [hunyuan] },
      });
      expect(one.json.response_action).toBe('errors');
      expect((one.json.errors as Record<string, string>).compare_models).toBe('Pick 2 to 4 models.');
    } finally {
      await h.botDeps.rules!.change(place, 'allowedModels', null, { userId: 'U0ADMIN01' });
    }
    const { view } = await openCompare('anything');
    expect(offered(view).length).toBeGreaterThan(2);
  });

  it('posts one message that fills in, then uploads the grid into its thread with each clip linked', async () => {
    const person = { id: 'U0CMP0002', name: 'grace' };
    const { viewId, since } = await openCompare('a red kite over dunes', person);
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { compare_models: [hunyuan, animateDiff] },
      person,
    });
    expect(submit.status).toBe(200);
    expect(submit.json.response_action).toBeUndefined();

    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    const complete = await h.slack.waitForCall(
      'files.completeUploadExternal',
      (c) => c.args.thread_ts === ts,
      {
        since,
        timeoutMs: 30_000,
      },
    );
    expect(complete.args.channel_id).toBe('C0GENERAL');
    const fileId = (complete.response as { files: { id: string }[] }).files[0]!.id;
    const uploaded = h.slack.workspace.files.get(fileId)!;

    // The last word on the message: every clip done and linked, and the grid named.
    const members = (await h.store.list({ userId: person.id })).items;
    expect(members.map((m) => m.model).sort()).toEqual([animateDiff, hunyuan].sort());
    const final = messageText(h.slack.message('C0GENERAL', ts));
    expect(final).toContain('Compare 2 models: “a red kite over dunes”');
    expect(final).toContain('Side by side above');
    for (const member of members) expect(final).toContain(`${publicUrl}/g/${member.id}`);
    // Both models got the same prompt and the same seed.
    expect(new Set(members.map((m) => m.prompt))).toEqual(new Set(['a red kite over dunes']));
    expect(members[0]!.seed).toBeDefined();
    expect(members[1]!.seed).toBe(members[0]!.seed);

    // It filled in: an edit with the clips under way came before the grid.
    const updates = h.slack.log.of('chat.update', (c) => c.seq > since && c.args.ts === ts);
    expect(
      updates.some((c) => /\b1\. .+: (queued|starting|running|saving|done)/.test(messageText(c.args))),
    ).toBe(true);
    // Remembered as delivered, so a restarted bot does not upload the grid again.
    const groupId = uploaded.name.replace(/^reelbot-|\.mp4$/g, '');
    await vi.waitFor(async () =>
      expect((await h.groups!.get(groupId))!.group.messageRef).toMatchObject({ ts, delivered: true }),
    );

    // The uploaded grid is two tiles side by side at the harness's tile height.
    expect(uploaded.name).toMatch(/^reelbot-grp_.+\.mp4$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-grid-')), 'grid.mp4');
    fs.writeFileSync(file, uploaded.bytes);
    const info = await probe(file);
    expect(info.height).toBe(120);
    expect(info.width).toBeGreaterThan(2 * 120);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

describe('/reelbot compare against the daily videos', () => {
  it('refuses a compare whose clips would pass the person’s daily videos, in the message, with no clip started', async () => {
    const place = { platform: 'slack' as const, workspaceId: h.slack.workspace.teamId };
    await h.botDeps.rules!.change(place, 'dailyVideosPerUser', 1, { userId: 'U0ADMIN01' });
    try {
      const person = { id: 'U0CMP0009', name: 'ida' };
      const before = h.replicate.state.predictions.predictions.size;
      const { viewId, since } = await openCompare('a windmill, compared', person);
      await h.client.viewSubmission({
        view: h.slack.viewPayload(viewId),
        inputs: { compare_models: [hunyuan, animateDiff] },
        person,
      });
      const refused = await h.slack.waitForCall(
        'chat.update',
        (c) => messageText(c.args).startsWith('I could not start the comparison'),
        { since },
      );
      expect(messageText(refused.args)).toContain(
        'These 2 videos would take you past your 1 a day: you have made 0, so one more fits today',
      );
      expect(h.replicate.state.predictions.predictions.size).toBe(before);
      expect((await h.store.list({ userId: person.id })).items).toHaveLength(0);
    } finally {
      await h.botDeps.rules!.change(place, 'dailyVideosPerUser', null, { userId: 'U0ADMIN01' });
    }
  });
});

describe('Batch on Slack: "How many videos" in the model form', () => {
  const i2vgen = 'ali-vilab/i2vgen-xl';

  it('gives each clip the image and the form’s values with its own seed, in one message that ends with the grid', async () => {
    h.replicate.state.predictions.configure(i2vgen, { steps: 1, tickMs: 2 });
    const person = { id: 'U0BATCH01', name: 'lin' };
    const { viewId, since } = await openModelForm(h, {
      command: '/animate',
      text: 'the kite climbs',
      model: i2vgen,
      person,
    });
    const form = h.slack.view(viewId)!.view as {
      blocks: { block_id?: string; element?: { type: string } }[];
    };
    expect(form.blocks.find((b) => b.block_id === 'reelbot_count')?.element?.type).toBe('static_select');

    const png = fs.readFileSync((await fakeMedia()).image);
    const file = h.slack.addFile({ name: 'kite.png', bytes: png, user: person.id });
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { image: [fileJson(file)], max_frames: '8', seed: '40', reelbot_count: '3' },
      person,
    });
    expect(submit.json.response_action).toBeUndefined();

    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;
    const upload = await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, {
      since,
      timeoutMs: 30_000,
    });
    const grid = h.slack.workspace.files.get((upload.response as { files: { id: string }[] }).files[0]!.id)!;
    expect(grid.name).toMatch(/^reelbot-grp_.+\.mp4$/);
    const final = messageText(h.slack.message('C0GENERAL', ts));
    expect(final).toContain('Batch of 3: “the kite climbs”');
    expect(final).toContain('Side by side above');

    const inputs = [...h.replicate.state.predictions.predictions.values()]
      .filter((entry) => entry.prediction.input?.prompt === 'the kite climbs')
      .map((entry) => entry.prediction.input as Record<string, unknown>);
    expect(inputs).toHaveLength(3);
    for (const input of inputs) {
      expect(input.image).toMatch(/^http/);
      expect(input.max_frames).toBe(8);
    }
    // The seed typed in the form is the first clip's; the others count up from it.
    expect(inputs.map((input) => input.seed).sort()).toEqual([40, 41, 42]);
    expect(
      h.slack.log.of('chat.postMessage', (c) => c.seq > since && c.args.channel === 'C0GENERAL'),
    ).toHaveLength(1);
  });

  it('uploads once, at the next start, the grid of a batch that ended while the bot was down', async () => {
    const model = 'anotherjesse/zeroscope-v2-xl';
    h.replicate.state.predictions.configure(model, { manual: true });
    const person = { id: 'U0BATCH02', name: 'ola' };
    const { viewId, since } = await openModelForm(h, {
      command: '/video',
      text: 'dunes at dusk',
      model,
      person,
    });
    await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { reelbot_count: '2' },
      person,
    });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
      since,
    });
    const ts = (post.response as { ts: string }).ts;

    await h.bot.stop();
    const ended = new Promise<GroupEvent>((resolve) => {
      const stop = h.groups!.subscribe((event) => {
        if (event.type !== 'finished' || event.group.prompt !== 'dunes at dusk') return;
        stop();
        resolve(event);
      });
    });
    const finishAll = () => {
      for (const entry of h.replicate.state.predictions.predictions.values())
        if (entry.prediction.input?.prompt === 'dunes at dusk')
          while (entry.prediction.status !== 'succeeded')
            h.replicate.state.predictions.advance(entry.prediction.id);
    };
    const stopFinishing = h.service.subscribe(finishAll);
    finishAll();
    const end = await ended;
    stopFinishing();
    expect(end.group.status).toBe('succeeded');
    expect(h.slack.log.of('files.completeUploadExternal', (c) => c.args.thread_ts === ts)).toEqual([]);

    const restarted = createSlackBot(h.botDeps);
    await restarted.start();
    try {
      await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, {
        since,
        timeoutMs: 30_000,
      });
      await vi.waitFor(async () =>
        expect((await h.groups!.get(end.group.id))!.group.messageRef).toMatchObject({ ts, delivered: true }),
      );
    } finally {
      await restarted.stop();
    }
    // A second start owes nothing: the ref says the grid is in the thread.
    const again = createSlackBot(h.botDeps);
    await again.start();
    await again.stop();
    expect(h.slack.log.of('files.completeUploadExternal', (c) => c.args.thread_ts === ts)).toHaveLength(1);
    expect(messageText(h.slack.message('C0GENERAL', ts))).toContain('Side by side above');
  });
});
