import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackEventsPath } from '../../src/bots/slack/receiver.js';
import { modelFromFixture } from '../fakes/replicate/catalog.js';
import { fakeMedia } from '../fakes/replicate/media.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import {
  createSignedClient,
  type FakeSlack,
  fileJson,
  startFakeSlack,
  type TypedInput,
} from '../fakes/slack/index.js';
import { loadSyntheticSchemas, referencePairSchema } from '../fixtures/schemas/index.js';
import { createE2eStage } from '../support/e2e-stage.js';
import {
  isRunning,
  probeVideo,
  processesBelow,
  type ReelbotProcess,
  until,
} from '../support/reelbot-process.js';
import { expectOnlyWarmWorker } from '../support/warm-worker.js';

const signingSecret = 'e2e-signing-secret-0123456789abcdef';
const zeroscope = 'anotherjesse/zeroscope-v2-xl';
const lists = 'synthetic/arrays-and-odd-shapes';

const stage = createE2eStage('slack');
let slack: FakeSlack;
let replicate: FakeReplicate;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  slack = await stage.use(startFakeSlack());
  replicate = await stage.use(startFakeReplicate());
  // A model whose image input takes a list (reference_images, at most 2); run once, so it is nobody's default.
  replicate.addModel(
    modelFromFixture(loadSyntheticSchemas().find((fixture) => fixture.name === 'arrays-and-odd-shapes')!, 1),
  );
  // The same, needing at least two reference images (minItems 2).
  replicate.addModel(modelFromFixture(referencePairSchema(), 1));
});
afterAll(() => stage.end());

// A process start (tsx, Bolt, the render worker) takes seconds, more on a busy machine.
// A physics render under a loaded machine takes a minute more.
describe('`reelbot start` with Slack over HTTP, as its own process', { timeout: 240_000 }, () => {
  it('answers /video through the model chooser, re-rolls it from the final message, /reelbot compare and a batch cut by a stop, with playable MP4s in the thread', async () => {
    const env = {
      DATA_DIR: stage.dataDir,
      PORT: '0',
      ...replicate.env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
    };
    reelbot = await stage.start(env);
    // Slack signs every request into Bolt's endpoint on reelbot's own web server.
    const client = createSignedClient({
      url: `${reelbot.url}${slackEventsPath}`,
      signingSecret,
      teamId: slack.workspace.teamId,
      responseUrl: () => slack.responseUrl(),
    });
    const person = { id: 'U0E2E0001', name: 'grace' };

    const reply = await client.slashCommand({ command: '/video', text: 'a lighthouse at dawn', person });
    expect(reply.status).toBe(200);
    // Same headers as the gallery; a request signed for ten minutes ahead is refused, not replayable.
    expect(reply.headers!.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(reply.headers!.get('x-content-type-options')).toBe('nosniff');
    const ahead = await client.slashCommand({ command: '/video', text: 'from the future', person }, 'future');
    expect(ahead.status).toBe(401);
    const open = await slack.waitForCall('views.open', () => true, { timeoutMs: 30_000 });
    const viewId = (open.response as { view: { id: string } }).view.id;
    await client.viewAction({ view: slack.viewPayload(viewId), actionId: 'model', value: zeroscope, person });
    await slack.waitForCall('views.update', (call) => call.args.view_id === viewId);
    // A value out of range: told on its input, by the label the form shows, with the modal still open.
    const outOfRange = await client.viewSubmission({
      view: slack.viewPayload(viewId),
      inputs: { num_inference_steps: '0' },
      person,
    });
    expect(outOfRange.json).toEqual({
      response_action: 'errors',
      errors: { num_inference_steps: 'Num Inference Steps must be between 1 and 500' },
    });
    const submit = await client.viewSubmission({ view: slack.viewPayload(viewId), inputs: {}, person });
    expect(submit.status).toBe(200);
    expect(submit.json.response_action).toBeUndefined();

    const post = await slack.waitForCall('chat.postMessage', (call) => call.args.channel === 'C0GENERAL');
    const ts = (post.response as { ts: string }).ts;
    const complete = await slack.waitForCall('files.completeUploadExternal', () => true, {
      timeoutMs: 30_000,
    });
    expect(complete.args.thread_ts).toBe(ts);
    const fileId = (complete.response as { files: { id: string }[] }).files[0]!.id;
    const uploaded = slack.workspace.files.get(fileId)!;
    expect(uploaded.mimetype).toBe('video/mp4');
    const info = await probeVideo(uploaded.bytes);
    expect(info.codec).toBe('h264');
    expect(info.durationSeconds).toBeGreaterThan(1);

    // Re-roll from the finished message: a new status message, and its MP4 in that one's thread.
    const finished = slack.message('C0GENERAL', ts)!;
    expect(JSON.stringify(finished.blocks)).toContain('reelbot_extend');
    const pressed = await client.messageButton({
      channelId: 'C0GENERAL',
      message: finished,
      actionId: 'reelbot_reroll',
      person,
    });
    expect(pressed.status).toBe(200);
    const rerolled = await slack.waitForCall(
      'files.completeUploadExternal',
      (call) => call.seq > complete.seq,
      { timeoutMs: 30_000 },
    );
    expect(rerolled.args.thread_ts).not.toBe(ts);
    const again = slack.workspace.files.get((rerolled.response as { files: { id: string }[] }).files[0]!.id)!;
    expect((await probeVideo(again.bytes)).codec).toBe('h264');

    // Extend: zeroscope takes no image, so the modal offers the image-to-video models (the most
    // run preselected); the one picked gets the last frame, and the chain joined lands in the thread.
    // A prompt over the limit is refused on the prompt while the modal, and the text, stay open.
    const extendSince = slack.log.last;
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: finished,
      actionId: 'reelbot_extend',
      person,
    });
    const extendOpen = await slack.waitForCall('views.open', () => true, {
      since: extendSince,
      timeoutMs: 30_000,
    });
    const extendView = extendOpen.response as { view: { id: string; blocks: Record<string, unknown>[] } };
    const picker = extendView.view.blocks.find((block) => block.block_id === 'model')!.element as {
      initial_option: { value: string };
    };
    expect(picker.initial_option.value).toBe('minimax/video-01-live');
    const tooLong = await client.viewSubmission({
      view: slack.viewPayload(extendView.view.id),
      inputs: { prompt: 'f'.repeat(2001) },
      person,
    });
    expect(tooLong.json).toEqual({
      response_action: 'errors',
      errors: { prompt: 'Prompts can be at most 2,000 characters; yours has 2,001' },
    });

    await client.viewSubmission({
      view: slack.viewPayload(extendView.view.id),
      inputs: { prompt: 'the beam sweeps the sea', model: 'ali-vilab/i2vgen-xl' },
      person,
    });
    await slack.waitForCall(
      'files.completeUploadExternal',
      (call) =>
        call.seq > rerolled.seq &&
        (call.response as { files?: { id: string }[] }).files?.some((file) =>
          slack.workspace.files.get(file.id)?.name.endsWith('.joined.mp4'),
        ) === true,
      { timeoutMs: 60_000 },
    );
    const extended = [...replicate.state.predictions.predictions.values()].find(
      (entry) => entry.prediction.input?.prompt === 'the beam sweeps the sea',
    )!;
    expect(extended.prediction.model).toBe('ali-vilab/i2vgen-xl');
    expect(String(extended.prediction.input?.image)).toMatch(/^http/);

    // Another person re-rolls grace's video: the new status message says it is his. Replicate holds
    // it, and a workspace admin cancels it.
    replicate.state.predictions.configure(zeroscope, { manual: true });
    const heldSince = slack.log.last;
    const linus = { id: 'U0E2E0002', name: 'linus' };
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: finished,
      actionId: 'reelbot_reroll',
      person: linus,
    });
    const held = await slack.waitForCall('chat.postMessage', (call) => call.args.channel === 'C0GENERAL', {
      since: heldSince,
    });
    expect(JSON.stringify(held.args.blocks)).toContain('Requested by linus');
    const heldTs = (held.response as { ts: string }).ts;
    const admin = { id: 'U0E2EADM1', name: 'root' };
    slack.workspace.admins.add(admin.id);
    const heldMessage = structuredClone(slack.message('C0GENERAL', heldTs)!);
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: heldMessage,
      actionId: 'reelbot_cancel',
      person: admin,
    });
    await slack.waitForCall(
      'chat.update',
      (call) => call.args.ts === heldTs && /Canceled/.test(String(call.args.text)),
      {
        since: heldSince,
      },
    );
    // The canceled message offers the next steps (Discord's do too); Parameters answers privately.
    const canceled = structuredClone(slack.message('C0GENERAL', heldTs)!);
    const nextSteps = JSON.stringify(canceled.blocks);
    for (const actionId of ['reelbot_reroll', 'reelbot_parameters', 'reelbot_edit'])
      expect(nextSteps).toContain(actionId);
    const paramsSince = slack.log.last;
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: canceled,
      actionId: 'reelbot_parameters',
      person: linus,
    });
    const params = await slack.waitForCall('response_url', () => true, { since: paramsSince });
    expect(params.args.response_type).toBe('ephemeral');
    expect(String(params.args.text)).toContain(`Model: \`${zeroscope}\``);
    // Its owner presses Cancel on that message as it was: told it was already canceled.
    const lateSince = slack.log.last;
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: heldMessage,
      actionId: 'reelbot_cancel',
      person: linus,
    });
    const late = await slack.waitForCall('response_url', () => true, { since: lateSince });
    expect(late.args.text).toBe('That video was already canceled.');
    replicate.state.predictions.configure(zeroscope, {});

    /** `/video` or `/animate` through the model chooser to the submitted form; the status message's ts. */
    const runForm = async (
      command: '/video' | '/animate',
      text: string,
      model: string,
      inputs: Record<string, TypedInput> = {},
    ) => {
      const since = slack.log.last;
      await client.slashCommand({ command, text, person });
      const opened = await slack.waitForCall('views.open', () => true, { since, timeoutMs: 30_000 });
      const id = (opened.response as { view: { id: string } }).view.id;
      await client.viewAction({ view: slack.viewPayload(id), actionId: 'model', value: model, person });
      await slack.waitForCall('views.update', (call) => call.args.view_id === id, { since });
      const sent = await client.viewSubmission({ view: slack.viewPayload(id), inputs, person });
      expect(sent.json.response_action).toBeUndefined();
      const posted = await slack.waitForCall(
        'chat.postMessage',
        (call) => call.args.channel === 'C0GENERAL',
        {
          since,
        },
      );
      return { since, ts: (posted.response as { ts: string }).ts };
    };

    // A failing model: the message says why, with Replicate's words, and links the gallery page,
    // which shows the whole error.
    replicate.state.predictions.configure(zeroscope, { failWith: 'CUDA out of memory on the fake GPU' });
    const failing = await runForm('/video', 'a storm over the bay', zeroscope);
    await slack.waitForCall(
      'chat.update',
      (call) => call.args.ts === failing.ts && /Failed/.test(String(call.args.text)),
      { since: failing.since, timeoutMs: 30_000 },
    );
    replicate.state.predictions.configure(zeroscope, {});
    const failedBlocks = JSON.stringify(slack.message('C0GENERAL', failing.ts)!.blocks);
    expect(failedBlocks).toContain('CUDA out of memory on the fake GPU');
    const failedPage = new URL(/<(http[^|>]+)\|Open in the gallery>/.exec(failedBlocks)![1]!);
    const errorPage = await fetch(`${reelbot.url}${failedPage.pathname}${failedPage.search}`);
    expect(errorPage.status).toBe(200);
    const errorHtml = await errorPage.text();
    expect(errorHtml).toContain('What went wrong');
    expect(errorHtml).toContain('CUDA out of memory on the fake GPU');

    // An attached image: /animate's form takes the PNG, the bot reads the private file with its
    // token, Replicate gets the bytes, and the video lands in the thread.
    const png = fs.readFileSync((await fakeMedia()).image);
    const catFile = slack.addFile({ name: 'cat.png', bytes: png, user: person.id });
    const animated = await runForm('/animate', 'the cat blinks slowly', 'ali-vilab/i2vgen-xl', {
      image: [fileJson(catFile)],
    });
    const animatedUpload = await slack.waitForCall(
      'files.completeUploadExternal',
      (call) => call.args.thread_ts === animated.ts,
      { since: animated.since, timeoutMs: 60_000 },
    );
    const cat = slack.workspace.files.get(
      (animatedUpload.response as { files: { id: string }[] }).files[0]!.id,
    )!;
    expect((await probeVideo(cat.bytes)).codec).toBe('h264');
    expect([...replicate.state.predictions.files.values()].some((f) => f.bytes.equals(png))).toBe(true);

    // A list of images picked at once: synthetic/arrays-and-odd-shapes' reference_images takes at
    // most 2 (its maxItems), so Slack's file picker stops at 2, and both files reach Replicate in the
    // order picked (only the last one was sent before). Each carries its name after the PNG's end.
    const pngNamed = (name: string) => Buffer.concat([png, Buffer.from(name)]);
    const [left, right] = ['left-fox.png', 'right-fox.png'].map((name) =>
      slack.addFile({ name, bytes: pngNamed(name), user: person.id }),
    );
    const listed = await runForm('/video', 'two foxes in the snow', lists, {
      reference_images: [fileJson(left!), fileJson(right!)],
      styles: ['anime', 'watercolor'],
    });
    const listForm = await slack.waitForCall(
      'views.update',
      (call) => JSON.stringify(call.args.view).includes('"block_id":"reference_images"'),
      { since: listed.since },
    );
    const filePicker = ((
      listForm.args.view as { blocks: { block_id?: string; element?: unknown }[] }
    ).blocks.find((block) => block.block_id === 'reference_images')?.element ?? {}) as {
      type?: string;
      max_files?: number;
    };
    expect(filePicker).toMatchObject({ type: 'file_input', max_files: 2 });
    // So does the styles select: 2 of its 3 options at most (its maxItems), not refused on submit.
    const stylesPicker = (
      listForm.args.view as { blocks: { block_id?: string; element?: unknown }[] }
    ).blocks.find((block) => block.block_id === 'styles')?.element;
    expect(stylesPicker).toMatchObject({ type: 'multi_static_select', max_selected_items: 2 });
    const listUpload = await slack.waitForCall(
      'files.completeUploadExternal',
      (call) => call.args.thread_ts === listed.ts,
      {
        since: listed.since,
        timeoutMs: 60_000,
      },
    );
    const listPrediction = [...replicate.state.predictions.predictions.values()].find(
      (entry) => entry.prediction.model === lists,
    )!;
    expect(listPrediction.prediction.input?.prompts).toEqual(['two foxes in the snow']);
    expect(listPrediction.prediction.input?.styles).toEqual(['anime', 'watercolor']);
    const sentImages = (listPrediction.prediction.input!.reference_images as string[]).map((url) =>
      replicate.state.predictions.files.get(url.split('/').pop()!),
    );
    expect(sentImages.map((file) => file?.bytes)).toEqual([
      pngNamed('left-fox.png'),
      pngNamed('right-fox.png'),
    ]);
    // Each under the name it has in Slack and its type, not the client's `blob_<timestamp>`.
    expect(sentImages.map((file) => [file?.name, file?.contentType])).toEqual([
      ['left-fox.png', 'image/png'],
      ['right-fox.png', 'image/png'],
    ]);

    // /video with a file that is not an image, then with one over 10 MB: each refused in words, on
    // the image input while the modal is open (or, past Slack's 3 s, in a note to the person), with
    // nothing sent to Replicate; the process goes on serving (the steps below).
    const refusedImage = async (name: string, bytes: Buffer) => {
      const since = slack.log.last;
      const filesBefore = replicate.state.predictions.files.size;
      const predictionsBefore = replicate.state.predictions.predictions.size;
      await client.slashCommand({ command: '/video', text: 'the picture comes alive', person });
      const opened = await slack.waitForCall('views.open', () => true, { since, timeoutMs: 30_000 });
      const id = (opened.response as { view: { id: string } }).view.id;
      await client.viewAction({
        view: slack.viewPayload(id),
        actionId: 'model',
        value: 'ali-vilab/i2vgen-xl',
        person,
      });
      await slack.waitForCall('views.update', (call) => call.args.view_id === id, { since });
      const file = slack.addFile({ name, bytes, user: person.id });
      const sent = await client.viewSubmission({
        view: slack.viewPayload(id),
        inputs: { image: [fileJson(file)] },
        person,
      });
      const told =
        sent.json.response_action === 'errors'
          ? (sent.json.errors as Record<string, string>).image
          : String(
              (
                await slack.waitForCall('chat.postEphemeral', (call) => call.args.user === person.id, {
                  since,
                })
              ).args.text,
            );
      expect(replicate.state.predictions.files.size).toBe(filesBefore);
      expect(replicate.state.predictions.predictions.size).toBe(predictionsBefore);
      return told;
    };
    expect(await refusedImage('notes.txt', Buffer.from('a shopping list, not a picture\n'))).toMatch(
      /"notes\.txt" is not a JPEG, PNG, GIF or WebP image/,
    );
    const huge = Buffer.concat([png, Buffer.alloc(11 * 1024 * 1024)]);
    expect(await refusedImage('huge.png', huge)).toMatch(/too large: at most 10 MB/);

    // A physics video with the choices Discord has as options, as key:value words: 1 s, square, draft.
    const simulated = await client.slashCommand({
      command: '/simulate',
      text: 'ten red balls fall duration:1 aspect:1:1 quality:draft seed:3',
      person,
    });
    expect(simulated.status).toBe(200);
    const render = await slack.waitForCall(
      'files.completeUploadExternal',
      (call) => call.seq > listUpload.seq,
      {
        timeoutMs: 150_000,
      },
    );
    const video = slack.workspace.files.get((render.response as { files: { id: string }[] }).files[0]!.id)!;
    const square = await probeVideo(video.bytes);
    expect(square).toMatchObject({ codec: 'h264', width: 480, height: 480 });
    expect(square.durationSeconds).toBeCloseTo(1, 0);

    // A scene JSON file, through the modal `/simulate scene` opens (a slash command carries no file).
    const sceneSince = slack.log.last;
    await client.slashCommand({
      command: '/simulate',
      text: 'scene duration:1 aspect:1:1 quality:draft',
      person,
    });
    const sceneOpen = await slack.waitForCall('views.open', () => true, {
      since: sceneSince,
      timeoutMs: 30_000,
    });
    const sceneViewId = (sceneOpen.response as { view: { id: string } }).view.id;
    const sceneFile = slack.addFile({
      name: 'tower.json',
      user: person.id,
      bytes: Buffer.from(
        JSON.stringify({
          objects: [0, 1, 2].map((i) => ({ shape: 'box', size: [1, 1, 1], position: [0, 0.5 + i * 1.1, 0] })),
        }),
      ),
    });
    const sceneSubmit = await client.viewSubmission({
      view: slack.viewPayload(sceneViewId),
      inputs: { scene_file: [fileJson(sceneFile)] },
      person,
    });
    expect(sceneSubmit.json.response_action).toBeUndefined();
    const sceneRender = await slack.waitForCall(
      'files.completeUploadExternal',
      (call) => call.seq > render.seq,
      {
        timeoutMs: 150_000,
      },
    );
    const sceneVideo = slack.workspace.files.get(
      (sceneRender.response as { files: { id: string }[] }).files[0]!.id,
    )!;
    expect(await probeVideo(sceneVideo.bytes)).toMatchObject({ codec: 'h264', width: 480, height: 480 });

    // Each finished simulation says how its sentence was read and has a Scene button, which puts
    // the scene it rendered as a JSON file in the thread.
    const finishedSimulation = async (ts: string, since: number) => {
      const upload = await slack.waitForCall(
        'files.completeUploadExternal',
        (call) => call.args.thread_ts === ts,
        {
          since,
          timeoutMs: 150_000,
        },
      );
      const video = await probeVideo(
        slack.workspace.files.get((upload.response as { files: { id: string }[] }).files[0]!.id)!.bytes,
      );
      await slack.waitForCall(
        'chat.update',
        (call) => call.args.ts === ts && /Done/.test(String(call.args.text)),
        {
          since,
          timeoutMs: 30_000,
        },
      );
      const message = structuredClone(slack.message('C0GENERAL', ts)!);
      const sceneSince = slack.log.last;
      await client.messageButton({ channelId: 'C0GENERAL', message, actionId: 'reelbot_scene', person });
      const sent = await slack.waitForCall(
        'files.completeUploadExternal',
        (call) => call.args.thread_ts === ts,
        { since: sceneSince },
      );
      const file = slack.workspace.files.get((sent.response as { files: { id: string }[] }).files[0]!.id)!;
      expect(file.name).toMatch(/^scene-.+\.json$/);
      expect(String(sent.args.initial_comment)).toContain('run `/simulate scene` and attach it');
      return { video, blocks: JSON.stringify(message.blocks), scene: file.bytes.toString('utf8') };
    };
    /** `/simulate text` typed in the channel: where the log stood before, and the status message's ts. */
    const simulateSentence = async (text: string) => {
      const since = slack.log.last;
      await client.slashCommand({ command: '/simulate', text, person });
      const posted = await slack.waitForCall(
        'chat.postMessage',
        (call) => call.args.channel === 'C0GENERAL',
        {
          since,
        },
      );
      return { since, ts: (posted.response as { ts: string }).ts };
    };
    /** `/simulate scene` with `file` in its modal: the modal's answer, and the status message's ts. */
    const simulateFile = async (file: { name: string; bytes: Buffer }, choices = '') => {
      const since = slack.log.last;
      await client.slashCommand({ command: '/simulate', text: `scene ${choices}`, person });
      const opened = await slack.waitForCall('views.open', () => true, { since, timeoutMs: 30_000 });
      const viewId = (opened.response as { view: { id: string } }).view.id;
      const added = slack.addFile({ ...file, user: person.id });
      const answer = await client.viewSubmission({
        view: slack.viewPayload(viewId),
        inputs: { scene_file: [fileJson(added)] },
        person,
      });
      if (answer.json.response_action === 'errors') return { answer, since };
      const posted = await slack.waitForCall(
        'chat.postMessage',
        (call) => call.args.channel === 'C0GENERAL',
        {
          since,
        },
      );
      return { answer, since, ts: (posted.response as { ts: string }).ts };
    };
    const seeded = await finishedSimulation(String(render.args.thread_ts), animatedUpload.seq);
    expect(seeded.blocks).toContain('Read as: 10 red balls');
    expect(seeded.blocks).toContain('Seed: 3');
    // The thread is public: pressed again, or by someone else, the scene is not posted twice; the
    // one who pressed is told, alone, where it is.
    const seededTs = String(render.args.thread_ts);
    const sceneAgain = async (who: { id: string; name: string }, by = client) => {
      const since = slack.log.last;
      const message = structuredClone(slack.message('C0GENERAL', seededTs)!);
      await by.messageButton({ channelId: 'C0GENERAL', message, actionId: 'reelbot_scene', person: who });
      const told = await slack.waitForCall('response_url', () => true, { since });
      expect(told.args.response_type).toBe('ephemeral');
      expect(slack.log.of('files.completeUploadExternal', (call) => call.seq > since)).toHaveLength(0);
      return String(told.args.text);
    };
    expect(await sceneAgain(person)).toMatch(/is in its thread already, as `scene-g_\w+\.json`/);
    expect(await sceneAgain({ id: 'U0E2E0002', name: 'linus' })).toMatch(/in its thread already/);
    // The same sentence and seed again, the choices typed as people also type them: the same scene.
    const sameSeed = await simulateSentence(
      'ten red balls fall duration: 1 aspect=1:1 quality:draft --seed 3',
    );
    const seededAgain = await finishedSimulation(sameSeed.ts, sameSeed.since);
    expect(seededAgain.scene).toBe(seeded.scene);
    // Its Scene file attached back as it came, with no choices: the same scene, the same frame.
    const back = await simulateFile({ name: 'scene.json', bytes: Buffer.from(seeded.scene) });
    const backDone = await finishedSimulation(back.ts!, back.since);
    expect(JSON.parse(backDone.scene)).toEqual(JSON.parse(seeded.scene));
    expect(backDone.video).toMatchObject({ width: 480, height: 480 });
    // No Re-roll under it: a re-roll changes only the seed, and a file leaves nothing to chance.
    expect(seeded.blocks).toContain('reelbot_reroll');
    expect(backDone.blocks).not.toContain('reelbot_reroll');
    // A Re-roll button from before, on the file's video: refused, to the person alone, nothing started.
    const fileMessage = structuredClone(slack.message('C0GENERAL', back.ts!)!);
    const fileVideoId = (fileMessage.blocks as { elements?: { action_id?: string; value?: string }[] }[])
      .flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === 'reelbot_scene')!.value!;
    const oldButton = {
      type: 'button',
      action_id: 'reelbot_reroll',
      text: { type: 'plain_text', text: '🎲 Re-roll' },
      value: fileVideoId,
    };
    const rerollSince = slack.log.last;
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: {
        ...fileMessage,
        blocks: [...(fileMessage.blocks ?? []), { type: 'actions', block_id: 'old', elements: [oldButton] }],
      },
      actionId: 'reelbot_reroll',
      person,
    });
    const refusedReroll = await slack.waitForCall('response_url', () => true, { since: rerollSince });
    expect(refusedReroll.args.response_type).toBe('ephemeral');
    expect(String(refusedReroll.args.text)).toMatch(
      /leaves nothing to chance: a re-roll would be the same video/,
    );
    expect(slack.log.calls.some((call) => call.seq > rerollSince && call.method === 'chat.postMessage')).toBe(
      false,
    );
    // The tower file was given with choices: its Scene file holds them, so it renders the same again.
    const towerTs = String(sceneRender.args.thread_ts);
    const tower = JSON.parse((await finishedSimulation(towerTs, render.seq)).scene);
    expect(tower).toMatchObject({ duration: 1, resolution: { width: 480, height: 480 } });
    // Deleted, it takes its scene file out of the thread with the video.
    const towerSceneFile = [...slack.workspace.files.values()].find(
      (file) => file.threadTs === towerTs && file.name.endsWith('.json'),
    )!;
    const deleteSince = slack.log.last;
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: structuredClone(slack.message('C0GENERAL', towerTs)!),
      actionId: 'reelbot_delete',
      person,
    });
    await slack.waitForCall(
      'chat.update',
      (call) => call.args.ts === towerTs && /deleted/.test(String(call.args.text)),
      {
        since: deleteSince,
      },
    );
    expect(slack.workspace.files.has(towerSceneFile.id)).toBe(false);
    expect([...slack.workspace.files.values()].filter((file) => file.threadTs === towerTs)).toEqual([]);

    // Files that are no scene, refused on the modal's file with why.
    const picture = await simulateFile({ name: 'scene.json', bytes: png });
    expect((picture.answer.json.errors as Record<string, string>).scene_file).toMatch(
      /^That file is not a scene: it is a PNG image, not JSON\./,
    );
    const hugeScene = await simulateFile({
      name: 'huge.json',
      bytes: Buffer.from(JSON.stringify({ objects: [], padding: 'x'.repeat(2 * 1024 * 1024) })),
    });
    expect((hugeScene.answer.json.errors as Record<string, string>).scene_file).toMatch(
      /The scene file is too large: at most 1 MB/,
    );
    // A duration out of range: said at once, nothing starts.
    const tooLongVideo = await client.slashCommand({
      command: '/simulate',
      text: 'a ball falls duration:11',
      person,
    });
    expect(String(tooLongVideo.json.text)).toMatch(/duration must be from 1 to 10 seconds/);

    // Cancel while it draws: canceled in the message and the gallery, its ffmpeg gone, one worker left.
    const { since: longSince, ts: longTs } = await simulateSentence(
      '60 balls fall onto a pyramid of 30 crates duration:10 quality:draft',
    );
    await slack.waitForCall(
      'chat.update',
      (call) => {
        const percent = /(\d+)\s?%/.exec(String(call.args.text));
        return call.args.ts === longTs && percent !== null && Number(percent[1]) > 10;
      },
      { since: longSince, timeoutMs: 60_000 },
    );
    const encoders = processesBelow(reelbot.pid).filter((p) => p.name === 'ffmpeg');
    expect(encoders.length).toBeGreaterThan(0);
    await client.messageButton({
      channelId: 'C0GENERAL',
      message: structuredClone(slack.message('C0GENERAL', longTs)!),
      actionId: 'reelbot_cancel',
      person,
    });
    await slack.waitForCall(
      'chat.update',
      (call) => call.args.ts === longTs && /Canceled/.test(String(call.args.text)),
      {
        since: longSince,
      },
    );
    // Its scene is offered still, to change and render again, as under Discord's canceled message.
    expect(JSON.stringify(slack.message('C0GENERAL', longTs)!.blocks)).toContain('reelbot_scene');
    const canceledPage = new URL(
      /<(http[^|>]+)\|Open in the gallery>/.exec(
        JSON.stringify(slack.message('C0GENERAL', longTs)!.blocks),
      )![1]!,
    );
    expect(
      await (await fetch(`${reelbot.url}${canceledPage.pathname}${canceledPage.search}`)).text(),
    ).toContain('badge--canceled');
    await until(() => encoders.every((p) => !isRunning(p)), "the canceled video's ffmpeg to exit");
    expectOnlyWarmWorker(reelbot.pid);
    // /reelbot compare: two models picked in the modal, the grid MP4 uploaded into the message's thread.
    const compareSince = slack.log.last;
    const compare = await client.slashCommand({
      command: '/reelbot',
      text: 'compare a lantern on a pier',
      person,
    });
    expect(compare.status).toBe(200);
    const compareOpen = await slack.waitForCall('views.open', () => true, {
      since: compareSince,
      timeoutMs: 30_000,
    });
    const compareView = (compareOpen.response as { view: { id: string } }).view.id;
    const compared = await client.viewSubmission({
      view: slack.viewPayload(compareView),
      inputs: { compare_models: ['tencent/hunyuan-video', 'lucataco/animate-diff'] },
      person,
    });
    expect(compared.json.response_action).toBeUndefined();
    const groupPost = await slack.waitForCall(
      'chat.postMessage',
      (call) => call.args.channel === 'C0GENERAL',
      {
        since: compareSince,
      },
    );
    const gridUpload = await slack.waitForCall(
      'files.completeUploadExternal',
      (call) => call.args.thread_ts === (groupPost.response as { ts: string }).ts,
      { since: compareSince, timeoutMs: 60_000 },
    );
    const grid = slack.workspace.files.get(
      (gridUpload.response as { files: { id: string }[] }).files[0]!.id,
    )!;
    expect(grid.name).toMatch(/^reelbot-grp_.+\.mp4$/);
    const tiles = await probeVideo(grid.bytes);
    expect(tiles).toMatchObject({ codec: 'h264', height: 360 });
    expect(tiles.width).toBeGreaterThan(2 * 360);

    // Batch: "How many videos" 2 in the model form; the clips hang at Replicate until reelbot stops.
    replicate.state.predictions.configure(zeroscope, { manual: true });
    const batchSince = slack.log.last;
    await client.slashCommand({ command: '/video', text: 'a quay at night', person });
    const batchOpen = await slack.waitForCall('views.open', () => true, {
      since: batchSince,
      timeoutMs: 30_000,
    });
    const batchView = (batchOpen.response as { view: { id: string } }).view.id;
    await client.viewAction({
      view: slack.viewPayload(batchView),
      actionId: 'model',
      value: zeroscope,
      person,
    });
    await slack.waitForCall('views.update', (call) => call.args.view_id === batchView, { since: batchSince });
    const batched = await client.viewSubmission({
      view: slack.viewPayload(batchView),
      inputs: { reelbot_count: '2' },
      person,
    });
    expect(batched.json.response_action).toBeUndefined();
    const batchPost = await slack.waitForCall(
      'chat.postMessage',
      (call) => call.args.channel === 'C0GENERAL',
      {
        since: batchSince,
      },
    );
    const batchTs = (batchPost.response as { ts: string }).ts;
    await slack.waitForCall(
      'chat.update',
      (call) => call.args.ts === batchTs && /Batch of 2/.test(String(call.args.text)),
      { since: batchSince },
    );

    // stop() fails unless the process, the render worker and Xvfb are all gone within 10 s.
    const stopped = await reelbot.stop();
    expect(stopped.code).toBe(0);
    expect(reelbot.lines.at(-1)?.msg).toBe('stopped');
    reelbot = undefined;
    // The video, its re-roll, the extended part and its chain joined, the animated cat, the two
    // foxes, four simulations (the canceled one sent none) and four of their scene files, the grid.
    expect(slack.log.calls.filter((call) => call.method === 'files.completeUploadExternal')).toHaveLength(15);

    // While reelbot is down the batch's clips finish; the next start ends it with one grid in its thread.
    replicate.state.predictions.configure(zeroscope, { steps: 1 });
    const quay = () =>
      [...replicate.state.predictions.predictions.values()].filter(
        (e) => e.prediction.input?.prompt === 'a quay at night',
      );
    for (const entry of quay())
      while (entry.prediction.status !== 'succeeded')
        replicate.state.predictions.advance(entry.prediction.id);
    // Started again with a daily quota of one video a person: grace is past it.
    reelbot = await stage.start({ ...env, DAILY_VIDEOS_PER_USER: '1' });
    const batchGrid = await slack.waitForCall(
      'files.completeUploadExternal',
      (call) => call.args.thread_ts === batchTs,
      { since: batchSince, timeoutMs: 60_000 },
    );
    const batchFile = slack.workspace.files.get(
      (batchGrid.response as { files: { id: string }[] }).files[0]!.id,
    )!;
    expect(await probeVideo(batchFile.bytes)).toMatchObject({ codec: 'h264', height: 360 });
    // At the quota, /video says so at once: no form opens, nothing reaches Replicate.
    const predictionsBefore = replicate.state.predictions.predictions.size;
    const quotaSince = slack.log.last;
    // Signed for this start's own port.
    const restarted = createSignedClient({
      url: `${reelbot.url}${slackEventsPath}`,
      signingSecret,
      teamId: slack.workspace.teamId,
      responseUrl: () => slack.responseUrl(),
    });
    const overQuota = await restarted.slashCommand({
      command: '/video',
      text: 'one more lighthouse',
      person,
    });
    expect(overQuota.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(overQuota.json.text)).toMatch(
      /^You have made \d+ of 1 videos today; the count resets at 00:00 UTC\.$/,
    );
    expect(slack.log.calls.slice(quotaSince).filter((call) => call.method === 'views.open')).toHaveLength(0);
    expect(replicate.state.predictions.predictions.size).toBe(predictionsBefore);
    // The scene's file is kept with its message: after a restart it is still not posted twice.
    expect(await sceneAgain(person, restarted)).toMatch(/in its thread already/);
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
    expect(
      slack.log.of('files.completeUploadExternal', (call) => call.args.thread_ts === batchTs),
    ).toHaveLength(1);
    expect(quay()).toHaveLength(2);
    expect(new Set(quay().map((e) => e.prediction.input?.seed)).size).toBe(2);
  });

  it('refuses one image for a model that needs two on its input, with the form still open, before uploading it', async () => {
    reelbot = await stage.start({
      DATA_DIR: stage.dataDir,
      PORT: '0',
      ...replicate.env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
    });
    const client = createSignedClient({
      url: `${reelbot.url}${slackEventsPath}`,
      signingSecret,
      teamId: slack.workspace.teamId,
      responseUrl: () => slack.responseUrl(),
    });
    const person = { id: 'U0E2E0003', name: 'ada' };
    const since = slack.log.last;
    await client.slashCommand({ command: '/video', text: 'two foxes meet', person });
    const opened = await slack.waitForCall('views.open', () => true, { since, timeoutMs: 30_000 });
    const viewId = (opened.response as { view: { id: string } }).view.id;
    await client.viewAction({
      view: slack.viewPayload(viewId),
      actionId: 'model',
      value: 'synthetic/reference-pair',
      person,
    });
    await slack.waitForCall('views.update', (call) => call.args.view_id === viewId, { since });
    const png = fs.readFileSync((await fakeMedia()).image);
    const fox = slack.addFile({ name: 'fox.png', bytes: png, user: person.id });
    const uploads = replicate.state.predictions.files.size;
    const predictions = replicate.state.predictions.predictions.size;
    const refused = await client.viewSubmission({
      view: slack.viewPayload(viewId),
      inputs: { reference_images: [fileJson(fox)] },
      person,
    });
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { reference_images: 'Reference Images takes at least 2 images; 1 was given' },
    });
    expect(replicate.state.predictions.files.size).toBe(uploads);
    expect(replicate.state.predictions.predictions.size).toBe(predictions);
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
  });
});
