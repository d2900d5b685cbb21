import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../generations/harness.js';
import { messageText, nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'minimax/video-01';
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Makes a video in #general and waits until it is in the thread with a Delete button. */
async function madeVideo(prompt: string, person: { id: string }) {
  h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 5 });
  const form = await openModelForm(h, { command: '/video', text: prompt, model, person });
  const done = nextEvent(h.service, (e) => e.type === 'succeeded' && e.generation.prompt === prompt);
  await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
  const generation = (await done).generation;
  await until(async () => (await h.store.get(generation.id))?.messageRef?.delivered === true);
  const ts = String((await h.store.get(generation.id))!.messageRef!.ts);
  await h.slack.waitForCall(
    'chat.update',
    (c) => c.args.ts === ts && messageText(c.args).includes('reelbot_delete'),
    { since: form.since },
  );
  const files = [generation.media?.path, generation.media?.posterPath]
    .filter((file): file is string => Boolean(file))
    .map((file) => path.join(h.config.dataDir, file));
  expect(files.length).toBeGreaterThan(0);
  return { generation, ts, files, since: form.since };
}

function pressDelete(ts: string, person: { id: string }) {
  return h.client.messageButton({
    channelId: 'C0GENERAL',
    message: h.slack.message('C0GENERAL', ts)!,
    actionId: 'reelbot_delete',
    person,
  });
}

describe('Slack: the Delete button', () => {
  it('is refused to another member, then deletes for the requester: thread file, message, media, entry', async () => {
    const owner = { id: 'U0DELOWN1' };
    const { generation, ts, files, since } = await madeVideo('a paper boat on a pond', owner);
    const uploaded = [...h.slack.workspace.files.keys()];

    await pressDelete(ts, { id: 'U0DELSTR1' });
    const refusal = await h.slack.waitForCall('response_url', () => true, { since });
    expect(refusal.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refusal.args.text)).toContain('Only the person who asked for this video');
    expect(await h.store.get(generation.id)).toBeDefined();

    await pressDelete(ts, owner);
    const edited = await h.slack.waitForCall(
      'chat.update',
      (c) => c.args.ts === ts && messageText(c.args).includes('was deleted'),
      { since },
    );
    expect(messageText(edited.args)).not.toContain('reelbot_delete');
    await until(async () => (await h.store.get(generation.id)) === undefined);
    const fileIds = h.slack.log.of('files.delete', (c) => c.seq > since).map((c) => c.args.file);
    expect(fileIds).toHaveLength(1);
    expect(uploaded).toContain(fileIds[0]);
    expect(h.slack.workspace.files.has(String(fileIds[0]))).toBe(false);
    for (const file of files) expect(fs.existsSync(file)).toBe(false);
  });

  it('deletes for a workspace admin', async () => {
    const { generation, ts, files } = await madeVideo('a kite in the rain', { id: 'U0DELOWN2' });
    h.slack.workspace.admins.add('U0DELADM1');
    await pressDelete(ts, { id: 'U0DELADM1' });
    await until(async () => (await h.store.get(generation.id)) === undefined);
    for (const file of files) expect(fs.existsSync(file)).toBe(false);
  });
});
