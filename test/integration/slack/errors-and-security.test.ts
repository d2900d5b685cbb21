import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationUnavailable } from '../../../src/bots/slack/commands/simulate.js';
import { createSlackBot, slackEventsPath } from '../../../src/bots/slack/index.js';
import { loadLinkSecret } from '../../../src/core/access/link-secret.js';
import { createLinkSigner } from '../../../src/core/access/link-token.js';
import type { Simulator } from '../../../src/core/generations/simulation-job.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { allScopes, createSignedClient, serveHandler } from '../../fakes/slack/index.js';
import { until } from '../generations/harness.js';
import {
  messageText,
  openModelForm,
  publicUrl,
  type SlackHarness,
  signingSecret,
  startSlackHarness,
} from './harness.js';

const zeroscope = 'anotherjesse/zeroscope-v2-xl';

describe('Slack requests Slack did not sign', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(['none', 'bad', 'stale', 'future', 'far-future'] as const)(
    'refuses a request signed %s with 401',
    async (signing) => {
      const since = h.slack.log.last;
      const reply = await h.http!.client.slashCommand({ command: '/video', text: 'sneaky' }, signing);
      expect(reply.status).toBe(401);
      const submit = await h.http!.client.viewSubmission(
        { view: { id: 'V0FORGED', blocks: [], private_metadata: '{"c":"C0GENERAL","u":"U0X"}' } },
        signing,
      );
      expect(submit.status).toBe(401);
      expect(h.slack.log.calls.filter((c) => c.seq > since)).toEqual([]);
    },
  );

  it('answers 503 until the bot is started and after it stops', async () => {
    const idle = createSlackBot(h.botDeps);
    const host = await serveHandler(idle.httpHandler!);
    try {
      const client = createSignedClient({
        url: host.url,
        signingSecret,
        responseUrl: () => h.slack.responseUrl(),
      });
      expect((await client.slashCommand({ command: '/reelbot' })).status).toBe(503);
      await idle.start();
      expect((await client.slashCommand({ command: '/reelbot' })).status).toBe(200);
      await idle.stop();
      expect((await client.slashCommand({ command: '/reelbot' })).status).toBe(503);
    } finally {
      await host.close();
    }
  });

  it('answers only POST', async () => {
    const reply = await fetch(h.http!.eventsUrl);
    expect(reply.status).toBe(405);
  });

  it('answers on /slack/events with the security headers of every other route', async () => {
    const gallery = await fetch(h.http!.eventsUrl.replace(slackEventsPath, '/'));
    expect(gallery.headers.get('content-security-policy')).toBeTruthy();
    const answers = [
      (await h.http!.client.slashCommand({ command: '/reelbot', text: 'help' })).headers!,
      (await h.http!.client.slashCommand({ command: '/reelbot' }, 'future')).headers!,
      (await fetch(h.http!.eventsUrl)).headers,
    ];
    for (const headers of answers)
      for (const name of [
        'content-security-policy',
        'x-content-type-options',
        'x-frame-options',
        'referrer-policy',
      ])
        expect(headers.get(name), name).toBe(gallery.headers.get(name));
  });

  it('explains itself with /reelbot help', async () => {
    const reply = await h.client.slashCommand({ command: '/reelbot', text: 'help' });
    expect(reply.json.response_type).toBe('ephemeral');
    for (const surface of ['/video', '/animate', 'Animate this image', '/simulate'])
      expect(String(reply.json.text)).toContain(surface);
  });

  it("answers /reelbot gallery privately with a signed link to this workspace's gallery, and in a DM to the person's own", async () => {
    const signer = createLinkSigner({ secret: loadLinkSecret(h.config) });
    const placeIn = async (channelId: string) => {
      const reply = await h.client.slashCommand({ command: '/reelbot', text: 'gallery', channelId });
      expect(reply.json.response_type).toBe('ephemeral');
      const url = new URL(/<(https:[^|>]+)\|/.exec(String(reply.json.text))![1]!);
      expect(`${url.origin}${url.pathname}`).toBe(`${publicUrl}/`);
      const check = await signer.verify(url.searchParams.get('key')!);
      if (!check.ok) throw new Error(`the link does not verify: ${check.reason}`);
      return check.claims.place;
    };
    expect(await placeIn('C0CHANNEL1')).toEqual({
      kind: 'server',
      platform: 'slack',
      workspaceId: 'T0TEAM001',
    });
    expect(await placeIn('D0DIRECT01')).toEqual({ kind: 'dm', platform: 'slack', userId: 'U0PERSON1' });
  });

  it('answers /simulate with a clear sentence until the service can simulate', async () => {
    const since = h.slack.log.last;
    const reply = await h.client.slashCommand({ command: '/simulate', text: 'ten balls fall on a ramp' });
    if (h.service.simulate) {
      expect(reply.status).toBe(200);
      await h.slack.waitForCall('chat.postMessage', () => true, { since });
    } else {
      expect(reply.json).toMatchObject({ response_type: 'ephemeral', text: simulationUnavailable });
    }
  });

  it('tells the person in plain words when the modal cannot open', async () => {
    const since = h.slack.log.last;
    h.slack.failNext('views.open', 'expired_trigger_id');
    await h.client.slashCommand({ command: '/video' });
    const reply = await h.slack.waitForCall('response_url', () => true, { since });
    expect(reply.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.args.text)).toMatch(/took too long/);
  });

  async function submitVideo(person: { id: string }, channelId = 'C0GENERAL') {
    const { viewId, since } = await openModelForm(h, {
      command: '/video',
      text: 'a kite',
      model: zeroscope,
      person,
      channelId,
    });
    await h.client.viewSubmission({ view: h.slack.viewPayload(viewId), person });
    return since;
  }

  it('names files:write when the video cannot be uploaded, and links the gallery instead', async () => {
    const person = { id: 'U0NOWRITE' };
    h.slack.revokeScope('files:write');
    try {
      const since = await submitVideo(person);
      const post = await h.slack.waitForCall('chat.postMessage', (c) => !c.args.thread_ts, { since });
      const ts = (post.response as { ts: string }).ts;
      const note = await h.slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === ts, { since });
      expect(String(note.args.text)).toContain('`files:write`');
      const generation = (await h.store.list({ userId: person.id })).items[0]!;
      expect(String(note.args.text)).toContain(`/g/${generation.id}`);
    } finally {
      h.slack.workspace.scopes.add('files:write');
    }
  });

  it('posts the status to the person directly when reelbot is not in the channel', async () => {
    const person = { id: 'U0OUTSIDE' };
    h.slack.addChannel('C0PRIVATE', 'secret-plans', { isMember: false });
    const since = await submitVideo(person, 'C0PRIVATE');
    const refused = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0PRIVATE', {
      since,
    });
    expect(refused.response).toMatchObject({ ok: false, error: 'not_in_channel' });
    const direct = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === person.id, {
      since,
    });
    expect(messageText(direct.args)).toContain('/invite @reelbot');
    const ts = (direct.response as { ts: string }).ts;
    await h.slack.waitForCall('files.completeUploadExternal', (c) => c.args.thread_ts === ts, { since });
  });
});

describe('Slack without chat:write', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ slack: { scopes: allScopes.filter((s) => s !== 'chat:write') } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('names the missing scope instead of opening a form it could not report on', async () => {
    const since = h.slack.log.last;
    const reply = await h.client.slashCommand({ command: '/video', text: 'a kite' });
    expect(reply.json.response_type).toBe('ephemeral');
    expect(String(reply.json.text)).toContain('`chat:write`');
    expect(h.slack.log.of('views.open', (c) => c.seq > since)).toEqual([]);
  });
});

describe('Slack prompts over 2,000 characters', () => {
  let h: SlackHarness;
  const renders: string[] = [];
  const requests: Parameters<Simulator['render']>[0][] = [];
  beforeAll(async () => {
    h = await startSlackHarness({
      simulator: {
        async render(request, outFile, options) {
          renders.push(request.prompt);
          requests.push(request);
          options.onScene?.({ objects: [{ shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0] }] }, 'a box');
          await fs.promises.copyFile((await fakeMedia()).video, outFile);
          return {};
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a 100,000-character /simulate in a sentence, storing nothing', async () => {
    const person = { id: 'U0LONGSIM' };
    const since = h.slack.log.last;
    const reply = await h.client.slashCommand({ command: '/simulate', text: 'x'.repeat(100_000), person });
    expect(reply.status).toBe(200);
    const answer = await h.slack.waitForCall('response_url', () => true, { since });
    expect(answer.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.args.text)).toContain('Prompts can be at most 2,000 characters; yours has 100,000.');
    expect((await h.store.list({ userId: person.id })).items).toEqual([]);
    expect(renders).toEqual([]);

    // Just under the cap is a video as usual.
    await h.client.slashCommand({ command: '/simulate', text: 'b'.repeat(2000), person });
    await h.slack.waitForCall('files.completeUploadExternal', () => true, { since });
    expect(renders).toEqual(['b'.repeat(2000)]);
  });

  it('takes the /simulate choices Discord has as options, as key:value words, and refuses bad ones by name', async () => {
    const person = { id: 'U0CHOICES' };
    const since = h.slack.log.last;
    await h.client.slashCommand({
      command: '/simulate',
      text: 'a seesaw duration:4 aspect:9:16 quality:draft seed:42',
      person,
    });
    await h.slack.waitForCall('files.completeUploadExternal', () => true, { since });
    expect(requests.at(-1)).toMatchObject({
      prompt: 'a seesaw',
      seed: 42,
      video: { duration: 4, aspect: '9:16', quality: 'draft' },
    });

    // The finished message carries a Scene button, which puts the scene JSON into the thread.
    const generation = (await h.store.list({ userId: person.id })).items[0]!;
    await until(async () => (await h.store.get(generation.id))?.messageRef?.delivered === true);
    const ts = String((await h.store.get(generation.id))!.messageRef!.ts);
    await h.slack.waitForCall(
      'chat.update',
      (c) => c.args.ts === ts && messageText(c.args).includes('reelbot_scene'),
      {
        since,
      },
    );
    // It says how the sentence was read, as on Discord.
    expect(messageText(h.slack.message('C0GENERAL', ts)!)).toContain('Read as: a box');
    const pressed = h.slack.log.last;
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', ts)!,
      actionId: 'reelbot_scene',
      person,
    });
    const upload = await h.slack.waitForCall('files.completeUploadExternal', () => true, { since: pressed });
    expect(upload.args.thread_ts).toBe(ts);
    // Slack's way back for the file, since a slash command carries none: the modal of `/simulate scene`.
    expect(String(upload.args.initial_comment)).toMatch(/run `\/simulate scene` and attach it/);
    const file = h.slack.workspace.files.get((upload.response as { files: { id: string }[] }).files[0]!.id)!;
    expect(JSON.parse(file.bytes.toString('utf8'))).toEqual({
      objects: [{ shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0] }],
    });
    // Pressed again it is not posted twice; once someone has taken the file out of the thread, it is.
    const again = h.slack.log.last;
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', ts)!,
      actionId: 'reelbot_scene',
      person,
    });
    const told = await h.slack.waitForCall('response_url', () => true, { since: again });
    expect(String(told.args.text)).toContain(`is in its thread already, as \`scene-${generation.id}.json\``);
    expect(h.slack.log.of('files.completeUploadExternal', (call) => call.seq > again)).toHaveLength(0);
    h.slack.workspace.files.delete(file.id);
    const afterDelete = h.slack.log.last;
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', ts)!,
      actionId: 'reelbot_scene',
      person,
    });
    const uploadedAgain = await h.slack.waitForCall('files.completeUploadExternal', () => true, {
      since: afterDelete,
    });
    expect(uploadedAgain.args.thread_ts).toBe(ts);
    // A double click, the file gone again: one upload, and the second press told where it is.
    h.slack.workspace.files.delete((uploadedAgain.response as { files: { id: string }[] }).files[0]!.id);
    const doubleClick = h.slack.log.last;
    const press = () =>
      h.client.messageButton({
        channelId: 'C0GENERAL',
        message: h.slack.message('C0GENERAL', ts)!,
        actionId: 'reelbot_scene',
        person,
      });
    await Promise.all([press(), press()]);
    await h.slack.waitForCall('response_url', () => true, { since: doubleClick });
    expect(h.slack.log.of('files.completeUploadExternal', (call) => call.seq > doubleClick)).toHaveLength(1);
    // Deleted after someone took the scene file out of the thread by hand: deleted all the same.
    const sceneUpload = h.slack.log.of('files.completeUploadExternal', (call) => call.seq > doubleClick)[0]!;
    h.slack.workspace.files.delete((sceneUpload.response as { files: { id: string }[] }).files[0]!.id);
    const deleting = h.slack.log.last;
    await h.client.messageButton({
      channelId: 'C0GENERAL',
      message: h.slack.message('C0GENERAL', ts)!,
      actionId: 'reelbot_delete',
      person,
    });
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === ts && /deleted/.test(String(c.args.text)), {
      since: deleting,
    });
    await until(async () => (await h.store.get(generation.id)) === undefined);

    const count = requests.length;
    const reply = await h.client.slashCommand({
      command: '/simulate',
      text: 'a seesaw quality:ultra',
      person,
    });
    expect(reply.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.json.text)).toContain('quality must be one of draft, standard, high');
    expect(requests).toHaveLength(count);
  });

  it('marks an over-long prompt on its block in the /video form, leaving the modal open', async () => {
    const person = { id: 'U0LONGVID' };
    const { viewId, since } = await openModelForm(h, {
      command: '/video',
      text: 'a kite',
      model: zeroscope,
      person,
    });
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { prompt: 'k'.repeat(2500) },
      person,
    });
    expect(submit.json.response_action).toBe('errors');
    expect((submit.json.errors as Record<string, string>).prompt).toContain(
      'Prompts can be at most 2,000 characters; yours has 2,500',
    );
    expect(h.slack.log.of('chat.postMessage', (c) => c.seq > since)).toEqual([]);
    expect((await h.store.list({ userId: person.id })).items).toEqual([]);
  });
});
