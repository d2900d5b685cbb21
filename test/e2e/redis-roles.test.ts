import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { probeVideo, runReelbot, type SpawnedReelbot, spawnReelbot } from './reelbot-process.js';

let discord: FakeDiscord;
let replicate: FakeReplicate;
let redis: RedisServer;
let dataDir: string;
const spawned: SpawnedReelbot[] = [];

beforeAll(async () => {
  [discord, replicate, redis] = await Promise.all([
    startFakeDiscord(),
    startFakeReplicate(),
    startRedisServer(),
  ]);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-e2e-redis-'));
});
afterAll(async () => {
  for (const process of spawned) process.kill();
  await discord?.close();
  await replicate?.close();
  await redis?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({
  DATA_DIR: dataDir,
  PORT: '0',
  REDIS_URL: redis.url,
  REPLICATE_API_URL: replicate.apiUrl,
  REPLICATE_API_TOKEN: replicate.state.token,
  DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
  DISCORD_TOKEN: discord.state.token,
  DISCORD_APPLICATION_ID: discord.state.applicationId,
  DISCORD_API_URL: discord.apiUrl,
});

/** Spawns `bin/reelbot` with `args` and waits for "reelbot is running". */
async function running(args: string[], environment: Record<string, string>) {
  const process = spawnReelbot(environment, { args });
  spawned.push(process);
  const line = await process.waitForLine(
    (l) => l.msg === 'reelbot is running',
    `${args.join(' ')} to start`,
    {
      timeoutMs: 60_000,
    },
  );
  return { process, line };
}

const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

describe('a bot process and a worker process on Redis', { timeout: 180_000 }, () => {
  it('the bot submits /video, the worker performs it, the bot posts the MP4, and SIGTERM stops both', async () => {
    const [bot, worker] = await Promise.all([
      running(['start', '--role', 'bot'], env()),
      running(['worker'], env()),
    ]);
    expect(bot.line).toMatchObject({ role: 'bot', performsJobs: false, bots: ['discord'], queue: 'redis' });
    expect(bot.line.url).toBeUndefined();
    expect(worker.line).toMatchObject({ role: 'worker', performsJobs: true, bots: [] });

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
      await worker.process.waitForLine(
        (l) => l.msg === 'prediction started',
        'the worker to start the prediction',
      )
    ).generationId;
    expect(generationId).toEqual(expect.stringMatching(/^g_/));
    expect(
      worker.process.lines.some((l) => l.generationId === generationId && /download/i.test(l.msg ?? '')),
    ).toBe(true);
    expect(bot.process.lines.some((l) => l.msg === 'prediction started')).toBe(false);
    expect(replicate.state.predictions.predictions.size).toBe(1);

    // stop() fails unless each process, with all it started, is gone within 10 s.
    const [botExit, workerExit] = await Promise.all([bot.process.stop(), worker.process.stop()]);
    expect(botExit.code).toBe(0);
    expect(workerExit.code).toBe(0);
  });

  it('refuses a role alone without REDIS_URL, saying what to set', async () => {
    const { REDIS_URL: _unset, ...withoutRedis } = env();
    const result = await runReelbot(['worker'], withoutRedis);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--role worker needs REDIS_URL');
  });
});
