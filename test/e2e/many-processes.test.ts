import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultUser } from '../fakes/discord/interactions.js';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { type FakeS3, startFakeS3 } from '../fakes/s3/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';

// Issue 14 §3: a deployment of separate processes (bots, web, workers) on one Redis and one store.

const stage = createE2eStage('many');
let discord: FakeDiscord;
let replicate: FakeReplicate;
let redis: RedisServer;
let postgres: PostgresServer;
let s3: FakeS3;
let databaseUrl: string;
const sseRequests: http.ClientRequest[] = [];

beforeAll(async () => {
  [discord, replicate, redis, postgres, s3] = await Promise.all([
    stage.use(startFakeDiscord({ waitTimeoutMs: 120_000 })),
    stage.use(startFakeReplicate()),
    stage.use(startRedisServer()),
    stage.use(startPostgresServer()),
    stage.use(startFakeS3()),
  ]);
  databaseUrl = await postgres.createDatabase();
});
afterAll(async () => {
  for (const request of sseRequests) request.destroy();
  await stage.end();
});

/**
 * What every process shares, as on separate machines: jobs and events in Redis, the store in
 * PostgreSQL, media in S3 (private servers started in beforeAll). Each process has a data folder
 * of its own (see `running`); nothing else here names where state lives.
 */
function storeEnv(): Record<string, string> {
  return { DATABASE_URL: databaseUrl, ...s3.env };
}

const env = (): Record<string, string> => ({
  ...storeEnv(),
  PORT: '0',
  REDIS_URL: redis.url,
  ...replicate.env,
  ...discord.env,
  // Everyone sees every video, so the SSE clients below need no signed link.
  GALLERY_PUBLIC: 'true',
  MAX_JOBS_TOTAL: '10',
  DAILY_VIDEOS_PER_USER: '0',
});

/** Starts `bin/reelbot` with `args` and waits for "reelbot is running"; killed in afterAll if left. */
function running(args: string[]) {
  // A data folder of its own: on separate machines, nothing on disk is shared.
  const own = fs.mkdtempSync(path.join(stage.dataDir, 'process-'));
  return stage.start({ ...env(), DATA_DIR: own }, { args, startTimeoutMs: 90_000 });
}

const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

/** Someone else each time, so that no per-person limit holds the burst back. */
const person = (i: number) => ({
  user: { ...defaultUser, id: `3100000000000001${String(i).padStart(2, '0')}`, username: `person${i}` },
});

/** An SSE client on `url`/events: every `generation` event's data, as it arrives. */
function listen(url: string) {
  const updates: { id: string; status?: string; final?: boolean }[] = [];
  const opened = new Promise<void>((resolve, reject) => {
    const request = http.get(`${url}/events`, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`GET /events: ${response.statusCode}`));
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        // The server writes `retry:` once it has subscribed: from then on nothing is missed.
        if (buffer.includes('retry:')) resolve();
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (/^event: generation$/m.test(message) && data) updates.push(JSON.parse(data));
        }
      });
    });
    request.on('error', reject);
    sseRequests.push(request);
  });
  return { updates, opened };
}

describe('one bot, two workers and two web processes on Redis, PostgreSQL and S3, each with its own disk', {
  timeout: 300_000,
}, () => {
  it('/video x10 at once: every video arrives, each output downloaded once, by the workers alone', async () => {
    const [bot, ...workers] = await Promise.all([
      running(['start', '--role', 'bot']),
      running(['worker']),
      running(['worker']),
    ]);
    const requestsBefore = replicate.state.requests.length;
    const videos = Array.from({ length: 10 }, (_, i) =>
      discord.sendCommand(
        'video',
        [
          { name: 'model', value: 'minimax/video-01' },
          { name: 'prompt', value: `burst number ${i}` },
        ],
        person(i),
      ),
    );
    const finals = await Promise.all(videos.map((video) => discord.waitForCall(isFinalEdit(video.token))));
    for (const done of finals) {
      expect(done.files).toHaveLength(1);
      expect(done.files[0]!.name).toMatch(/\.mp4$/);
    }

    // Ten predictions, and ten output downloads: one per prediction, none twice.
    const predictions = [...replicate.state.predictions.predictions.values()].filter((e) =>
      /^burst number \d$/.test(String(e.prediction.input?.prompt)),
    );
    expect(predictions).toHaveLength(10);
    const downloads = replicate.state.requests
      .slice(requestsBefore)
      .filter((r) => r.method === 'GET' && r.path.startsWith('/files-out/'))
      .map((r) => r.path);
    expect(downloads.sort()).toEqual(predictions.map((e) => `/files-out/${e.prediction.id}.mp4`).sort());

    // The bot performed none; the workers performed all ten between them.
    expect(bot.lines.some((l) => l.msg === 'prediction started')).toBe(false);
    const startedBy = workers.map((w) => w.lines.filter((l) => l.msg === 'prediction started').length);
    expect(startedBy[0]! + startedBy[1]!).toBe(10);

    const exits = await Promise.all([bot, ...workers].map((p) => p.stop()));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
  });

  it('two web processes serve the same gallery, and a worker’s events reach SSE clients of both', async () => {
    const [webA, webB, bot, worker] = await Promise.all([
      running(['start', '--role', 'web']),
      running(['start', '--role', 'web']),
      running(['start', '--role', 'bot']),
      running(['worker']),
    ]);
    const urls = [String(webA.ready.url), String(webB.ready.url)];
    expect(urls[0]).not.toBe(urls[1]);
    const clients = urls.map(listen);
    await Promise.all(clients.map((c) => c.opened));

    const video = discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a lighthouse seen from two windows' },
    ]);
    await discord.waitForCall(isFinalEdit(video.token));
    const generationId = String(worker.lines.find((l) => l.msg === 'prediction started')?.generationId);
    expect(generationId).toMatch(/^g_/);

    // Neither web process made the video: the events came from the worker, through Redis.
    for (const client of clients) {
      await expect
        .poll(() => client.updates.find((u) => u.id === generationId && u.final), { timeout: 30_000 })
        .toMatchObject({ id: generationId, status: 'succeeded' });
    }
    for (const url of urls) {
      const response = await fetch(`${url}/api/generations/${generationId}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: generationId, status: 'succeeded' });
      const page = await fetch(`${url}/`);
      expect(await page.text()).toContain(generationId);
      // The video itself comes out of the bucket, whichever web process is asked.
      const media = await fetch(`${url}/media/${generationId}`, { headers: { Range: 'bytes=0-99' } });
      expect(media.status).toBe(206);
      expect((await media.arrayBuffer()).byteLength).toBe(100);
    }
    expect(s3.requests.some((r) => r.method === 'PUT' && r.url.includes(generationId))).toBe(true);

    for (const request of sseRequests) request.destroy();
    const exits = await Promise.all([webA, webB, bot, worker].map((p) => p.stop()));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0, 0]);
  });
});
