import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonOf } from '../fakes/discord/buttons.js';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import { probeVideo, type ReelbotProcess } from '../support/reelbot-process.js';

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
      { name: 'prompt', value: "a newton's cradle" },
      { name: 'aspect', value: '9:16' },
      { name: 'duration', value: 2 },
      { name: 'quality', value: 'draft' },
    ]);
    const done = await discord.waitForCall(isFinalEdit(first.token));
    const video = await probeVideo(done.files[0]!.bytes);
    expect([video.width, video.height]).toEqual([480, 854]);
    expect(video.durationSeconds).toBeCloseTo(2, 0);
    expect(done.json.content).toMatch(/Read as: a Newton's cradle of 5 balls/);

    const press = discord.pressButton(first.originalMessageId!, buttonOf(done, 'Scene').custom_id);
    const reply = await discord.waitForCallback(press);
    expect(reply.json.data.flags & 64).toBe(64);
    const file = reply.files.find((f) => f.name.endsWith('.json'))!;
    const scene = JSON.parse(file.bytes.toString('utf8'));
    expect(scene.joints.filter((j: { kind: string }) => j.kind === 'revolute')).toHaveLength(5);
    expect(scene.resolution).toEqual({ width: 480, height: 854 });

    // Edited as a person would: one second, square, the first ball red.
    scene.duration = 1;
    scene.resolution = { width: 320, height: 320 };
    scene.objects.find((o: { id?: string }) => o.id === 'ball-0').color = '#ff0000';
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
