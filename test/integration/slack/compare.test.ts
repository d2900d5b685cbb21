import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { messageText, publicUrl, type SlackHarness, startSlackHarness } from './harness.js';

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
