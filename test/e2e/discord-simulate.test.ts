import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialTable } from '../../src/simulation/scene/materials.js';
import { parseScene } from '../../src/simulation/scene/validate.js';
import { buttonOf } from '../fakes/discord/buttons.js';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { fakeMedia } from '../fakes/replicate/media.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import {
  isRunning,
  probeVideo,
  processesBelow,
  type ReelbotProcess,
  until,
} from '../support/reelbot-process.js';
import { expectOnlyWarmWorker } from '../support/warm-worker.js';

const stage = createE2eStage('simulate');
let discord: FakeDiscord;
let replicate: FakeReplicate;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  discord = await stage.use(startFakeDiscord());
  replicate = await stage.use(startFakeReplicate());
});
afterAll(() => stage.end());

const env = () => ({ DATA_DIR: stage.dataDir, PORT: '0', ...replicate.env, ...discord.env });

const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

describe('`/simulate` choices and scene files in `reelbot start`', { timeout: 180_000 }, () => {
  it('makes a tall 2 s draft, sends its scene with the Scene button, and renders that scene edited', async () => {
    reelbot = await stage.start(env());
    const first = discord.sendCommand('simulate', [
      // More balls than a cradle holds: the reading says what the scene has, and that it was capped.
      { name: 'prompt', value: "a newton's cradle of 50 balls" },
      { name: 'aspect', value: '9:16' },
      { name: 'duration', value: 2 },
      { name: 'quality', value: 'draft' },
    ]);
    const done = await discord.waitForCall(isFinalEdit(first.token));
    const video = await probeVideo(done.files[0]!.bytes);
    expect([video.width, video.height]).toEqual([480, 854]);
    expect(video.durationSeconds).toBeCloseTo(2, 0);
    expect(done.json.content).toMatch(/Read as: a Newton's cradle of 9 balls \(capped from 50\)/);

    const press = discord.pressButton(first.originalMessageId!, buttonOf(done, 'Scene').custom_id);
    const reply = await discord.waitForCallback(press);
    expect(reply.json.data.flags & 64).toBe(64);
    const file = reply.files.find((f) => f.name.endsWith('.json'))!;
    const scene = JSON.parse(file.bytes.toString('utf8'));
    expect(scene.joints.filter((j: { kind: string }) => j.kind === 'revolute')).toHaveLength(9);
    expect(scene.resolution).toEqual({ width: 480, height: 854 });

    // Edited as a person would: one second, square, the first ball red and made of rubber.
    scene.duration = 1;
    scene.resolution = { width: 320, height: 320 };
    const ball = scene.objects.find((o: { id?: string }) => o.id === 'ball-0');
    ball.color = '#ff0000';
    ball.material = 'rubber';
    const upload = discord.uploadAttachment({
      bytes: Buffer.from(JSON.stringify(scene)),
      filename: 'my-scene.json',
      contentType: 'application/json',
    });
    const second = discord.sendCommand('simulate', [{ name: 'scene', value: upload }]);
    const again = await discord.waitForCall(isFinalEdit(second.token));
    const edited = await probeVideo(again.files[0]!.bytes);
    expect([edited.width, edited.height]).toEqual([320, 320]);
    expect(edited.durationSeconds).toBeCloseTo(1, 0);
    // The new material took: the ball weighs what rubber weighs, not what the steel one did.
    const pressAgain = discord.pressButton(second.originalMessageId!, buttonOf(again, 'Scene').custom_id);
    const rendered = (await discord.waitForCallback(pressAgain)).files.find((f) => f.name.endsWith('.json'))!;
    const redBall = parseScene(JSON.parse(rendered.bytes.toString('utf8'))).objects.find(
      (o) => o.id === 'ball-0',
    );
    expect(redBall).toMatchObject({
      material: 'rubber',
      color: '#ff0000',
      density: materialTable.rubber.density,
    });
  });

  it('keeps a seed, an aspect and a quality, refuses what is out of range, and cancels a render leaving only the warm worker', async () => {
    reelbot ??= await stage.start(env());
    const simulate = async (options: Parameters<FakeDiscord['sendCommand']>[1]) => {
      const command = discord.sendCommand('simulate', options);
      const done = await discord.waitForCall(isFinalEdit(command.token));
      const press = discord.pressButton(command.originalMessageId!, buttonOf(done, 'Scene').custom_id);
      const file = (await discord.waitForCallback(press)).files.find((f) => f.name.endsWith('.json'))!;
      return {
        done,
        messageId: command.originalMessageId!,
        video: await probeVideo(done.files[0]!.bytes),
        scene: file.bytes.toString('utf8'),
      };
    };
    const attach = (scene: string) =>
      discord.uploadAttachment({
        bytes: Buffer.from(scene),
        filename: 'scene.json',
        contentType: 'application/json',
      });

    // The same sentence and seed twice: the same scene; the message says how the sentence was read.
    const seeded = [
      { name: 'prompt', value: 'five red balls roll down a ramp into a wall of 6 blue boxes' },
      { name: 'seed', value: 42 },
      { name: 'duration', value: 1 },
      { name: 'aspect', value: '1:1' },
      { name: 'quality', value: 'draft' },
    ];
    const first = await simulate(seeded);
    const second = await simulate(seeded);
    expect(second.scene).toBe(first.scene);
    expect(first.done.json.content).toMatch(/Read as: 5 red balls, a ramp, a wall of 6 blue boxes/);
    expect(first.done.json.content).toMatch(/Seed: 42/);
    expect([first.video.width, first.video.height]).toEqual([480, 480]);

    // The Scene file attached back as it came: the same scene again, and the same frame.
    const back = await simulate([{ name: 'scene', value: attach(first.scene) }]);
    expect(JSON.parse(back.scene)).toEqual(JSON.parse(first.scene));
    expect([back.video.width, back.video.height]).toEqual([480, 480]);
    // The file decided everything: no seed is shown, as none had any effect.
    expect(back.done.json.content).not.toMatch(/Seed/);
    // Nor a Re-roll, which changes only the seed: the sentence's video has one, the file's not.
    expect(buttonOf(first.done, 'Re-roll').custom_id).toMatch(/^rb:reroll:/);
    expect(() => buttonOf(back.done, 'Re-roll')).toThrow(/no Re-roll button/);
    // A Re-roll button from before (the same custom_id, on the file's video): refused at once, to the
    // person alone, with no public "thinking…" first.
    const backId = buttonOf(back.done, 'Scene').custom_id.replace(/^rb:scene:/, '');
    const oldReroll = discord.pressButton(back.messageId, `rb:reroll:${backId}`);
    const told = (await discord.waitForCallback(oldReroll)).json;
    expect(told.type).toBe(4);
    expect(told.data.flags & 64).toBe(64);
    expect(told.data.content).toMatch(/leaves nothing to chance: a re-roll would be the same video/);

    // A scene file with choices: its Scene file is what was rendered, so it renders the same again.
    const plain = JSON.stringify({ objects: [{ shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0] }] });
    const tall = await simulate([
      { name: 'scene', value: attach(plain) },
      // A seed given with a scene file changes nothing, so it is neither kept nor shown.
      { name: 'seed', value: 7 },
      { name: 'aspect', value: '9:16' },
      { name: 'quality', value: 'draft' },
      { name: 'duration', value: 1 },
    ]);
    expect([tall.video.width, tall.video.height]).toEqual([480, 854]);
    expect(tall.done.json.content).not.toMatch(/Seed/);
    const tallAgain = await simulate([{ name: 'scene', value: attach(tall.scene) }]);
    expect([tallAgain.video.width, tallAgain.video.height]).toEqual([480, 854]);
    expect(tallAgain.video.durationSeconds).toBeCloseTo(1, 0);
    // Sent back at another quality alone, it stays tall: the quality sizes it, the scene keeps its shape.
    const tallFiner = await simulate([
      { name: 'scene', value: attach(tall.scene) },
      { name: 'quality', value: 'standard' },
    ]);
    expect([tallFiner.video.width, tallFiner.video.height]).toEqual([720, 1280]);

    // Wide at standard and high quality: 720p and 1080p. A sentence given beside the file only
    // titles it, and the message says so: the file is drawn, not the sentence.
    const wide = await simulate([
      { name: 'prompt', value: 'ten balls fall' },
      { name: 'scene', value: attach(plain) },
      { name: 'aspect', value: '16:9' },
      { name: 'quality', value: 'standard' },
      { name: 'duration', value: 1 },
    ]);
    expect([wide.video.width, wide.video.height]).toEqual([1280, 720]);
    expect(wide.done.json.content).toMatch(
      /Prompt: ten balls fall\nRendered from scene\.json as it is; the prompt is only its title\n/,
    );
    const high = await simulate([
      { name: 'scene', value: attach(plain) },
      { name: 'quality', value: 'high' },
      { name: 'duration', value: 1 },
    ]);
    expect([high.video.width, high.video.height]).toEqual([1920, 1080]);
    // A sentence that asks for a tall video stays tall when only the quality is chosen.
    const tallWords = await simulate([
      { name: 'prompt', value: 'a vertical video of a ball falling' },
      { name: 'quality', value: 'draft' },
      { name: 'duration', value: 1 },
    ]);
    expect([tallWords.video.width, tallWords.video.height]).toEqual([480, 854]);
    // Choices typed into the sentence, as on Slack: read, and left out of it; the option given wins.
    const typed = await simulate([
      { name: 'prompt', value: 'a ball falls duration:3 aspect:square quality:draft' },
      { name: 'duration', value: 1 },
    ]);
    expect([typed.video.width, typed.video.height]).toEqual([480, 480]);
    expect(typed.video.durationSeconds).toBeCloseTo(1, 0);
    expect(typed.done.json.content).toMatch(/Prompt: a ball falls\n/);

    // A duration Discord should have stopped (stale commands): told why, and nothing starts.
    const tooLong = discord.sendCommand('simulate', [
      { name: 'prompt', value: 'a ball falls' },
      { name: 'duration', value: 11 },
    ]);
    const refused = await discord.waitForCall(
      (call) =>
        call.route.includes(`/${tooLong.token}`) &&
        /duration must be from 1 to 10 seconds/.test(JSON.stringify(call.json ?? {})),
    );
    expect(JSON.stringify(refused.json)).not.toMatch(/✅ Done/);

    // Cancel while it draws: canceled in the message and the gallery, its ffmpeg gone, one worker left.
    const long = discord.sendCommand('simulate', [
      { name: 'prompt', value: '60 balls fall onto a pyramid of 30 crates' },
      { name: 'duration', value: 10 },
      { name: 'quality', value: 'draft' },
    ]);
    const drawing = await discord.waitForCall((call) => {
      const percent = /(\d+)\s?%/.exec(call.json?.content ?? '');
      return call.route.includes(`/${long.token}/messages/`) && percent !== null && Number(percent[1]) > 10;
    });
    const encoders = processesBelow(reelbot.pid).filter((p) => p.name === 'ffmpeg');
    expect(encoders.length).toBeGreaterThan(0);
    const cancel = discord.pressButton(long.originalMessageId!, buttonOf(drawing, 'Cancel').custom_id);
    await discord.waitForCallback(cancel);
    await discord.waitForCall(
      (call) => call.route.includes(`/${long.token}/messages/`) && /Canceled/.test(call.json?.content ?? ''),
    );
    const gallery = discord.sendCommand('gallery', []);
    const link = new URL(
      /https?:\/\/\S+/.exec((await discord.waitForCallback(gallery)).json.data.content)![0],
    );
    const listed = (await (
      await fetch(`${reelbot.url}/api/generations?key=${link.searchParams.get('key')}`)
    ).json()) as { items: { prompt?: string; status: string }[] };
    expect(
      listed.items.find((item) => item.prompt === '60 balls fall onto a pyramid of 30 crates')?.status,
    ).toBe('canceled');
    await until(() => encoders.every((p) => !isRunning(p)), "the canceled video's ffmpeg to exit");
    expectOnlyWarmWorker(reelbot.pid);
  });

  it('answers a broken scene file with the path of each mistake, and makes no video', async () => {
    reelbot ??= await stage.start(env());
    const before = discord.state.calls.filter((call) => /✅ Done/.test(call.json?.content ?? '')).length;
    const broken = discord.uploadAttachment({
      bytes: Buffer.from(
        JSON.stringify({ objects: [{ shape: 'box', size: [1, -1, 1], position: [0, 1, 0] }] }),
      ),
      filename: 'broken.json',
      contentType: 'application/json',
    });
    const command = discord.sendCommand('simulate', [{ name: 'scene', value: broken }]);
    await discord.waitForCall(
      (call) =>
        call.route.includes(`/${command.token}`) &&
        JSON.stringify(call.json ?? {}).includes(
          'That scene cannot be simulated: objects[0].size[1] must be > 0',
        ),
    );
    const notJson = discord.uploadAttachment({
      bytes: Buffer.from('{ not json'),
      filename: 'oops.json',
      contentType: 'application/json',
    });
    const second = discord.sendCommand('simulate', [{ name: 'scene', value: notJson }]);
    await discord.waitForCall(
      (call) =>
        call.route.includes(`/${second.token}`) &&
        JSON.stringify(call.json ?? {}).includes('That file is not a scene'),
    );
    // Every object taken out: no still picture of the ground passed off as a video.
    const emptied = discord.sendCommand('simulate', [
      {
        name: 'scene',
        value: discord.uploadAttachment({
          bytes: Buffer.from(JSON.stringify({ objects: [] })),
          filename: 'emptied.json',
          contentType: 'application/json',
        }),
      },
    ]);
    const toldEmpty = await discord.waitForCall(
      (call) =>
        call.route.includes(`/${emptied.token}`) && /That scene cannot be/.test(call.json?.content ?? ''),
    );
    expect(toldEmpty.json.content).toMatch(
      /objects must have at least one object: an empty scene is no video/,
    );
    expect(toldEmpty.json.flags & 64).toBe(64);
    // A picture attached by mistake: named as what it is, not its bytes read out as text.
    const picture = discord.uploadAttachment({
      bytes: fs.readFileSync((await fakeMedia()).image),
      filename: 'scene.png',
      contentType: 'image/png',
    });
    const third = discord.sendCommand('simulate', [{ name: 'scene', value: picture }]);
    const toldPicture = await discord.waitForCall(
      (call) =>
        call.route.includes(`/${third.token}`) && /That file is not a scene/.test(call.json?.content ?? ''),
    );
    expect(toldPicture.json.content).toMatch(/it is a PNG image, not JSON/);
    expect(toldPicture.json.content).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]/);
    // Over 1 MB (500 bodies' worth is far less): refused by its size before it is read.
    const huge = discord.uploadAttachment({
      bytes: Buffer.from(JSON.stringify({ objects: [], padding: 'x'.repeat(2 * 1024 * 1024) })),
      filename: 'huge.json',
      contentType: 'application/json',
    });
    const fourth = discord.sendCommand('simulate', [{ name: 'scene', value: huge }]);
    await discord.waitForCall(
      (call) =>
        call.route.includes(`/${fourth.token}`) &&
        /The scene file is too large: at most 1 MB/.test(call.json?.content ?? ''),
    );
    expect(discord.state.calls.filter((call) => /✅ Done/.test(call.json?.content ?? '')).length).toBe(
      before,
    );

    // SIGTERM while a long video draws, its physics still streaming from the worker's thread: the
    // process, the render worker with its threads, Xvfb and ffmpeg are all gone within the limit.
    const long = discord.sendCommand('simulate', [
      { name: 'prompt', value: '60 balls fall onto a pyramid of 30 crates' },
      { name: 'duration', value: 10 },
      { name: 'quality', value: 'draft' },
    ]);
    const drawing = (call: RecordedCall) => {
      const percent = /(\d+)\s?%/.exec(call.json?.content ?? '');
      // Past 10 % the frames are being drawn (see simulation/simulator.ts).
      return call.route.includes(`/${long.token}/messages/`) && percent !== null && Number(percent[1]) > 10;
    };
    await discord.waitForCall(drawing);
    expect((await reelbot.stop()).code).toBe(0);
    // Stopped mid-video, not after it.
    expect(discord.state.calls.some(isFinalEdit(long.token))).toBe(false);
    reelbot = undefined;
  });
});
