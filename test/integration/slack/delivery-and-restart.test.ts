import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSlackBot } from '../../../src/bots/slack/index.js';
import { messageText, nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const zeroscope = 'anotherjesse/zeroscope-v2-xl';
const hunyuan = 'tencent/hunyuan-video';

/** /video → model → submit; resolves with the status message ts once it is posted. */
async function submitVideo(h: SlackHarness, person: { id: string }, model = zeroscope) {
  const { viewId, since } = await openModelForm(h, {
    command: '/video',
    text: 'a paper boat',
    model,
    person,
  });
  await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0GENERAL', {
    since,
  });
  return { ts: (post.response as { ts: string }).ts, since };
}

describe('Slack video delivery', () => {
  let h: SlackHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('re-encodes a video over the configured upload limit before uploading it', async () => {
    h = await startSlackHarness({ bot: { uploadLimitBytes: 45_000 } });
    const { ts, since } = await submitVideo(h, { id: 'U0LIMIT01' });
    const complete = await h.slack.waitForCall(
      'files.completeUploadExternal',
      (c) => c.args.thread_ts === ts,
      {
        since,
      },
    );
    const fileId = (complete.response as { files: { id: string }[] }).files[0]!.id;
    const uploaded = h.slack.workspace.files.get(fileId)!;
    expect(uploaded.mimetype).toBe('video/mp4');
    expect(uploaded.size).toBeLessThanOrEqual(45_000);
    const generation = (await h.store.list({ userId: 'U0LIMIT01' })).items[0]!;
    expect(generation.media!.bytes).toBeGreaterThan(45_000);
    // The kept video is untouched; the smaller copy is gone after the upload.
    expect(fs.statSync(path.join(h.config.dataDir, generation.media!.path)).size).toBe(
      generation.media!.bytes,
    );
    const tmp = path.join(h.config.dataDir, 'tmp');
    await vi.waitFor(() => expect(fs.readdirSync(tmp).filter((f) => f.startsWith('slack-'))).toEqual([]));
  });

  it('links the gallery in the thread when the video cannot be made small enough', async () => {
    h = await startSlackHarness({ bot: { uploadLimitBytes: 5_000 } });
    const { ts, since } = await submitVideo(h, { id: 'U0LIMIT02' });
    const note = await h.slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === ts, { since });
    const generation = (await h.store.list({ userId: 'U0LIMIT02' })).items[0]!;
    expect(String(note.args.text)).toMatch(/^I could not upload the video: /);
    expect(String(note.args.text)).toContain(`/g/${generation.id}`);
    expect(h.slack.log.of('files.completeUploadExternal', (c) => c.seq > since)).toEqual([]);
  });

  it('finishes the status message and uploads the video of a generation that ended while it was down', async () => {
    h = await startSlackHarness();
    h.replicate.state.predictions.configure(hunyuan, { manual: true, steps: 2 });
    const person = { id: 'U0RESTART' };
    const started = nextEvent(
      h.service,
      (e) => e.type === 'started' && e.generation.requester.userId === person.id,
    );
    const { ts, since } = await submitVideo(h, person, hunyuan);
    const { generation } = await started;

    await h.bot.stop();
    const succeeded = nextEvent(
      h.service,
      (e) => e.type === 'succeeded' && e.generation.id === generation.id,
    );
    for (let step = 0; step < 4; step++) h.replicate.state.predictions.advance(generation.predictionId!);
    await succeeded;
    expect(messageText(h.slack.message('C0GENERAL', ts))).not.toContain('Done');

    const restarted = createSlackBot(h.botDeps);
    await restarted.start();
    try {
      await h.slack.waitForCall(
        'chat.update',
        (c) => c.args.ts === ts && messageText(c.args).includes('Done'),
        {
          since,
        },
      );
      await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
    } finally {
      await restarted.stop();
    }
    expect((await h.store.get(generation.id))!.messageRef).toMatchObject({
      ts,
      closed: true,
      delivered: true,
    });
  });
});
