import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.js';
import { probeVideo, type ReelbotProcess, runReelbot } from '../support/reelbot-process.js';

const stage = createE2eStage('postgres');
const { dataDir } = stage;
let postgres: PostgresServer;
let discord: FakeDiscord;
let replicate: FakeReplicate;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  [discord, replicate, postgres] = await Promise.all([
    stage.use(startFakeDiscord()),
    stage.use(startFakeReplicate()),
    stage.use(startPostgresServer()),
  ]);
});
afterAll(() => stage.end());

const env = (databaseUrl: string) => ({
  DATA_DIR: dataDir,
  PORT: '0',
  DATABASE_URL: databaseUrl,
  ...replicate.env,
  ...discord.env,
});

const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

async function rowsOf(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('`reelbot start` with DATABASE_URL, as its own process', { timeout: 120_000 }, () => {
  it('answers /video with a playable MP4, and the generation is a row of PostgreSQL, not of SQLite', async () => {
    const url = await postgres.createDatabase();
    reelbot = await stage.start(env(url));
    const prompt = 'a heron lifting off a misty pond';
    const video = discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: prompt },
    ]);
    expect((await discord.waitForCallback(video)).json.type).toBe(5);
    const done = await discord.waitForCall(isFinalEdit(video.token));
    expect(done.files).toHaveLength(1);
    expect((await probeVideo(done.files[0]!.bytes)).codec).toBe('h264');
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;

    const rows = await rowsOf(
      url,
      `SELECT id, status, platform, media_path, media_bytes FROM generations
        WHERE prompt_search @@ to_tsquery('simple', 'heron:* & mist:*')`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ status: 'succeeded', platform: 'discord', media_path: expect.any(String) }),
    ]);
    expect(Number(rows[0].media_bytes)).toBe(done.files[0]!.bytes.length);
    expect(fs.readdirSync(dataDir).filter((name) => name.startsWith('reelbot.sqlite'))).toEqual([]);
  });

  it('refuses to start, in one sentence with its code, when nothing answers at DATABASE_URL', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const run = await runReelbot(['start'], env(`postgres://reelbot:hunter2@127.0.0.1:${port}/reelbot`));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No PostgreSQL server answers at postgres://reelbot:***@127.0.0.1');
    expect(run.stderr).toContain('[DATABASE_UNREACHABLE]');
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('points `reelbot backup` to pg_dump', async () => {
    const run = await runReelbot(['backup', path.join(dataDir, 'copy.sqlite')], {
      DATA_DIR: dataDir,
      DATABASE_URL: postgres.url,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('pg_dump --format=custom');
    expect(fs.existsSync(path.join(dataDir, 'copy.sqlite'))).toBe(false);
  });
});
