import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { probeVideo, runReelbot } from '../support/reelbot-process.js';
import { freePort } from '../support/server-process.js';

const stage = createE2eStage('redis');
let discord: FakeDiscord;
let replicate: FakeReplicate;
let redis: RedisServer;

beforeAll(async () => {
  [discord, replicate, redis] = await Promise.all([
    stage.use(startFakeDiscord({ waitTimeoutMs: 90_000 })),
    stage.use(startFakeReplicate()),
    stage.use(startRedisServer()),
  ]);
});
afterAll(() => stage.end());

const env = () => ({
  DATA_DIR: stage.dataDir,
  PORT: '0',
  REDIS_URL: redis.url,
  ...replicate.env,
  ...discord.env,
});

/** Starts `bin/reelbot` with `args` (a role of `start`, or `worker`) and waits for "reelbot is running". */
const running = (args: string[], environment: Record<string, string>) =>
  stage.start(environment, { args, startTimeoutMs: 60_000 });

const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

describe('a bot process and a worker process on Redis', { timeout: 180_000 }, () => {
  it('the bot submits /video and /compare, the worker performs them, the bot posts the MP4 and the grid, and SIGTERM stops both', async () => {
    // Replicate's webhooks go to a web process of their own. Polls are ten minutes apart, so only
    // a webhook, handed from the web process to the worker over Redis, can end a video in time.
    const webPort = await freePort();
    const publicUrl = `http://127.0.0.1:${webPort}`;
    const withWebhooks = { ...env(), PUBLIC_URL: publicUrl, REPLICATE_POLL_SECONDS: '600' };
    // Started together on a fresh DATA_DIR: the SQLite schema is made once, under its lock.
    const [bot, worker, web] = await Promise.all([
      running(['start', '--role', 'bot'], withWebhooks),
      running(['worker'], withWebhooks),
      running(['start', '--role', 'web'], { ...withWebhooks, PORT: String(webPort) }),
    ]);
    expect(bot.ready).toMatchObject({ role: 'bot', performsJobs: false, bots: ['discord'], queue: 'redis' });
    expect(bot.ready.url).toBeUndefined();
    expect(worker.ready).toMatchObject({ role: 'worker', performsJobs: true, bots: [] });
    expect(web.ready).toMatchObject({ role: 'web', performsJobs: false, bots: [], url: publicUrl });

    const video = discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a kite over the dunes' },
    ]);
    expect((await discord.waitForCallback(video)).json.type).toBe(5);
    const done = await discord.waitForCall(isFinalEdit(video.token));
    expect(done.files).toHaveLength(1);
    expect(done.files[0]!.name).toMatch(/\.mp4$/);
    expect((await probeVideo(done.files[0]!.bytes)).codec).toBe('h264');

    // The worker tracked the prediction and downloaded the video; the bot did neither.
    const generationId = (
      await worker.waitForLine((l) => l.msg === 'prediction started', 'the worker to start the prediction')
    ).generationId;
    expect(generationId).toEqual(expect.stringMatching(/^g_/));
    expect(worker.lines.some((l) => l.generationId === generationId && /download/i.test(l.msg ?? ''))).toBe(
      true,
    );
    expect(bot.lines.some((l) => l.msg === 'prediction started')).toBe(false);
    expect(replicate.state.predictions.predictions.size).toBe(1);
    // The video came by the webhook path: the web process took the completed webhook, and nobody
    // polled the prediction (the first poll is ten minutes away), so the worker heard it over Redis.
    const predictionId = [...replicate.state.predictions.predictions.keys()][0]!;
    const completed = replicate.state.predictions.deliveries.filter(
      (d) => d.predictionId === predictionId && d.event === 'completed',
    );
    expect(completed.map((d) => [d.status, d.url.startsWith(`${publicUrl}/webhooks/replicate`)])).toEqual([
      [200, true],
    ]);
    expect(
      replicate.state.requests.filter(
        (r) => r.method === 'GET' && r.path === `/v1/predictions/${predictionId}`,
      ),
    ).toEqual([]);

    // /compare: the worker performs the clips and composes the grid; the bot hears the group's end
    // over Redis and puts the grid on its one message.
    const compare = discord.sendCommand('compare', [
      { name: 'prompt', value: 'a lantern on a pier' },
      { name: 'model1', value: 'tencent/hunyuan-video' },
      { name: 'model2', value: 'lucataco/animate-diff' },
    ]);
    expect((await discord.waitForCallback(compare)).json.type).toBe(5);
    const grid = await discord.waitForCall(
      (call) =>
        call.method === 'PATCH' &&
        call.route.includes(`/${compare.token}/messages/`) &&
        /Side by side above/.test(call.json?.content ?? ''),
    );
    expect(grid.files).toHaveLength(1);
    expect(grid.files[0]!.name).toMatch(/^reelbot-grp_.+\.mp4$/);
    expect((await probeVideo(grid.files[0]!.bytes)).height).toBe(360);
    expect(worker.lines.some((l) => l.msg === 'group grid kept')).toBe(true);
    expect(bot.lines.some((l) => l.msg === 'group grid kept')).toBe(false);

    // stop() fails unless each process, with all it started, is gone within 10 s.
    const exits = await Promise.all([bot.stop(), worker.stop(), web.stop()]);
    expect(exits.map((exit) => exit.code)).toEqual([0, 0, 0]);
  });

  it('tells a person’s place in line from the shared queue, and runs their videos one at a time', async () => {
    const model = 'minimax/video-01';
    replicate.state.predictions.configure(model, { manual: true, steps: 1 });
    const oneAtATime = { ...env(), MAX_JOBS_PER_USER: '1' };
    const [bot, worker] = await Promise.all([
      running(['start', '--role', 'bot'], oneAtATime),
      running(['worker'], oneAtATime),
    ]);
    const video = (prompt: string) =>
      discord.sendCommand('video', [
        { name: 'model', value: model },
        { name: 'prompt', value: prompt },
      ]);
    const statusEdit = (token: string, match: RegExp) =>
      discord.waitForCall(
        (call) =>
          call.method === 'PATCH' &&
          call.status === 200 &&
          call.route.includes(`/${token}/messages/`) &&
          match.test(call.json?.content ?? ''),
      );
    const finish = (prompt: string) => {
      const entry = [...replicate.state.predictions.predictions.values()].find(
        (e) => e.prediction.input?.prompt === prompt,
      )!;
      while (entry.prediction.status !== 'succeeded')
        replicate.state.predictions.advance(entry.prediction.id);
    };
    const first = video('first of mine');
    await statusEdit(first.token, /^⏳ Generating/);
    const second = video('second of mine');
    // The worker holds it back (the limit is counted in Redis); the bot tells its place.
    await statusEdit(second.token, /^🕒 Queued: 1 of yours ahead/);
    const created = (prompt: string) =>
      [...replicate.state.predictions.predictions.values()].filter(
        (e) => e.prediction.input?.prompt === prompt,
      );
    expect(created('second of mine')).toHaveLength(0);
    finish('first of mine');
    await statusEdit(first.token, /^✅ Done/);
    await statusEdit(second.token, /^⏳ Generating/);
    finish('second of mine');
    await statusEdit(second.token, /^✅ Done/);
    const [botExit, workerExit] = await Promise.all([bot.stop(), worker.stop()]);
    expect(botExit.code).toBe(0);
    expect(workerExit.code).toBe(0);
  });

  it('a worker killed with -9 mid-job: the other worker finishes the video, downloaded once', async () => {
    const model = 'minimax/video-01';
    replicate.state.predictions.configure(model, { manual: true });
    const [bot, ...workers] = await Promise.all([
      running(['start', '--role', 'bot'], env()),
      running(['worker'], env()),
      running(['worker'], env()),
    ]);
    const requestsBefore = replicate.state.requests.length;
    const video = discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a heron in the reeds' },
    ]);
    const started = (w: (typeof workers)[number]) => w.lines.find((l) => l.msg === 'prediction started');
    const taker = await vi.waitFor(
      () => {
        const found = workers.find(started);
        if (!found) throw new Error('no worker started the prediction yet');
        return found;
      },
      { timeout: 60_000, interval: 50 },
    );
    const generationId = started(taker)!.generationId;
    const survivor = workers.find((w) => w !== taker)!;
    taker.kill();
    await taker.exited;

    const entry = [...replicate.state.predictions.predictions.values()].find(
      (e) => e.prediction.input?.prompt === 'a heron in the reeds',
    )!;
    while (entry.prediction.status !== 'succeeded') replicate.state.predictions.advance(entry.prediction.id);

    const done = await discord.waitForCall(isFinalEdit(video.token)).catch((error: Error) => {
      const tail = survivor.lines.slice(-20).map((l) => JSON.stringify(l));
      throw new Error(`${error.message}\nthe surviving worker said:\n${tail.join('\n')}`);
    });
    expect(done.files).toHaveLength(1);
    expect(survivor.lines.some((l) => l.generationId === generationId)).toBe(true);
    const downloads = replicate.state.requests
      .slice(requestsBefore)
      .filter((r) => r.method === 'GET' && r.path.startsWith('/files-out/'));
    expect(downloads).toHaveLength(1);
    // One prediction: the survivor continued the dead worker's, it did not start another.
    expect(
      [...replicate.state.predictions.predictions.values()].filter(
        (e) => e.prediction.input?.prompt === 'a heron in the reeds',
      ),
    ).toHaveLength(1);

    const [botExit, survivorExit] = await Promise.all([bot.stop(), survivor.stop()]);
    expect(botExit.code).toBe(0);
    expect(survivorExit.code).toBe(0);
  });

  it('refuses a role alone without REDIS_URL, saying what to set', async () => {
    const { REDIS_URL: _unset, ...withoutRedis } = env();
    const result = await runReelbot(['worker'], withoutRedis);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--role worker needs REDIS_URL');
  });
});
