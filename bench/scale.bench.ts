/**
 * Scale benchmark (issue 14 §3): 1,000 generations tracked at once, with Replicate's webhooks on,
 * by the embedded default (one `reelbot start`) and by a deployment on Redis (one bot, one web
 * process receiving the webhooks, two `reelbot worker`s). /video comes through the fake Discord,
 * from 1,000 different people; the fake Replicate runs in a child process of its own and holds
 * each prediction about 12 s, so all of them are in flight together.
 *
 * Prints, for each setup: CPU per generation of each reelbot process with what it started (ffprobe,
 * the poster), peak RSS per process, and Redis commands per generation: those reelbot sent (from
 * MONITOR, by name, beside a target; a Lua script counts once), and all Redis ran (INFO
 * commandstats, the commands inside scripts included).
 *
 * Run with `npm run bench -- scale` (a few minutes). It runs whatever bin/reelbot runs.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pg from 'pg';
import { descendantPids } from '../src/cli/shutdown.js';
import { defaultUser } from '../test/fakes/discord/interactions.js';
import { type FakeDiscord, startFakeDiscord } from '../test/fakes/discord/server.js';
import { type PostgresServer, startPostgresServer } from '../test/support/postgres-server.js';
import { type RedisServer, startRedisServer } from '../test/support/redis-server.js';
import { type SpawnedReelbot, spawnReelbot } from '../test/support/reelbot-process.js';
import { freePort } from '../test/support/server-process.js';

/**
 * 1,000 by default. On a loaded 2-core machine the posters (ffmpeg, as many at once as cores) drain
 * about one video a second, so 1,000 take over ten minutes per setup: SCALE_GENERATIONS=200 is the
 * quick run. Whatever is not delivered by the deadline is reported, and the figures are per video
 * delivered.
 */
const generations = Number(process.env.SCALE_GENERATIONS ?? 1000);
/** How long each setup may take to deliver every video before the figures are taken as they are. */
const deadlineMs = Number(process.env.SCALE_DEADLINE_SECONDS ?? 1200) * 1000;
/** Each prediction: processing, four progress steps, done; one tick apart. */
const tickMs = 2000;
const model = 'minimax/video-01';

async function startFakeReplicate() {
  const script = path.resolve(import.meta.dirname, '../test/fakes/replicate/standalone.ts');
  const behaviours = { default: { steps: 4, tickMs } };
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(behaviours)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake Replicate exited (${code})`)));
  });
  const urls = JSON.parse(line) as { apiUrl: string; baseUrl: string; token: string };
  return { ...urls, stop: () => child.stdin!.end() };
}

/** CPU seconds of `pid` and everything below it: their own, and that of children they reaped. */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const id of [pid, ...descendantPids(pid)]) {
    try {
      const fields = fs.readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime, stime, cutime, cstime: indexes 11 to 14 after the command name.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // ended while we looked: its time is in its parent's cutime now
    }
  }
  return ticks / 100;
}

/** Peak RSS (VmHWM) of the process itself, in MB. */
function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

/**
 * Every command Redis has run since it started, from INFO commandstats: those a client sent and
 * those run inside Lua scripts (BullMQ's and ours), which cost Redis time but no round trip.
 */
async function redisCommands(client: Redis): Promise<number> {
  const info = await client.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** BullMQ's Lua scripts by SHA1, so an EVALSHA is told by the name of what it does. */
const scriptNames = new Map(
  Object.values(
    createRequire(import.meta.url)('bullmq/dist/cjs/scripts/index.js') as Record<
      string,
      { name: string; content: string }
    >,
  ).map((script) => [createHash('sha1').update(script.content).digest('hex'), script.name]),
);

/**
 * The commands clients send, by name, from MONITOR: each is a round trip or part of a pipeline,
 * and an EVALSHA counts once however many commands its script runs (MONITOR marks those `lua`).
 */
async function monitorRedis(url: string) {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  const monitor = await client.monitor();
  const sent = new Map<string, number>();
  let counting = false;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!counting || source === 'lua') return;
    const command = String(args[0]).toLowerCase();
    const name = command === 'evalsha' ? `evalsha ${scriptNames.get(String(args[1])) ?? '?'}` : command;
    sent.set(name, (sent.get(name) ?? 0) + 1);
  });
  return {
    start() {
      sent.clear();
      counting = true;
    },
    stop(): Map<string, number> {
      counting = false;
      return new Map(sent);
    },
    async close() {
      monitor.disconnect();
      await client.quit();
    },
  };
}

/**
 * What a generation needs from Redis, sent by reelbot, as a target: BullMQ's add, take, lock
 * renewals and completion (about 8), the slot's take, renewals and release (about 6 over a 12 s
 * prediction), one PUBLISH per event and per queue move (about 12), and the submitting process
 * reading the waiting list now and then. More means a read or a poll that grows with the burst.
 */
const redisTargetPerGeneration = 40;

/** Each distinct error a process logged (level error and above), with how often: a failed video says why. */
function errorsOf(process: SpawnedReelbot): string[] {
  const counts = new Map<string, number>();
  for (const line of process.lines) {
    if (Number(line.level ?? 0) < 50) continue;
    const err = line.err as { message?: string } | undefined;
    const text = `${line.msg ?? ''}${err?.message ? `: ${err.message}` : ''}`;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts].map(([text, n]) => `${n} x ${text}`);
}

interface Member {
  label: string;
  args: string[];
  /** Its web server's port, fixed beforehand so PUBLIC_URL can name it. */
  port?: number;
}

/**
 * Transactions PostgreSQL has finished in `url`'s database: each statement outside a transaction is
 * one, so this counts round trips (a multi-statement transaction counts once). The statistics are
 * flushed by each backend within about a second, so read them after the work has settled.
 */
async function postgresTransactions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

interface Result {
  label: string;
  ok: number;
  wallSeconds: number;
  processes: { label: string; cpuMsPerGeneration: number; peakRssMb: number; errors: string[] }[];
  redisPerGeneration?: number;
  /** Commands clients sent (MONITOR), per generation, by command name. */
  redisSentPerGeneration?: Map<string, number>;
  postgresPerGeneration?: number;
}

async function runSetup(
  label: string,
  members: Member[],
  base: Record<string, string>,
  discord: FakeDiscord,
  redis?: RedisServer,
  databaseUrl?: string,
): Promise<Result> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-bench-scale-'));
  const webPort = members.find((m) => m.port)!.port!;
  const env = {
    ...base,
    DATA_DIR: dataDir,
    // Replicate posts its webhooks here: the web process (or the one process) receives them.
    PUBLIC_URL: `http://127.0.0.1:${webPort}`,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const readyBefore = discord.gateway.readySessions;
  const processes: { member: Member; process: SpawnedReelbot }[] = [];
  const gone: string[] = [];
  let stopping = false;
  try {
    for (const member of members) {
      const process = spawnReelbot(
        { ...env, PORT: String(member.port ?? 0), LOG_LEVEL: 'warn' },
        { args: member.args },
      );
      processes.push({ member, process });
      void process.exited.then(() => {
        if (!stopping) gone.push(`${member.label}: ${process.stderr().slice(-2000)}`);
      });
    }
    // LOG_LEVEL warn keeps 1,000 generations' logs out of the numbers; readiness is asked over HTTP
    // and by a warm-up video instead of the "reelbot is running" line.
    const client = redis ? new Redis(redis.url, { maxRetriesPerRequest: null }) : undefined;
    const monitor = redis ? await monitorRedis(redis.url) : undefined;
    const finals = (after: number) =>
      discord.calls
        .slice(after)
        .filter((c) => c.method === 'PATCH' && c.status === 200 && /^✅ Done/.test(c.json?.content ?? ''))
        .length;
    const waitFor = async (what: string, test: () => boolean | Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await test())) {
        if (gone.length > 0) throw new Error(`a process exited before ${what}: ${gone.join('\n')}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    await waitFor(
      'the web server',
      () =>
        fetch(`http://127.0.0.1:${webPort}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      120_000,
    );
    // A command sent before the bot's gateway session is ready would be lost.
    await waitFor('the bot on the gateway', () => discord.gateway.readySessions > readyBefore, 120_000);
    // Workers print nothing at warn: warm-up videos prove the whole path, and warm both workers.
    const warmMark = discord.mark();
    for (let i = 0; i < 4; i++)
      discord.sendCommand(
        'video',
        [
          { name: 'model', value: model },
          { name: 'prompt', value: `warm-up ${i}` },
        ],
        { user: { ...defaultUser, id: String(330_000_000_000_000_000n + BigInt(i)), username: `w${i}` } },
      );
    await waitFor('the warm-up videos', () => finals(warmMark) === 4, 180_000);

    const pids = processes.map(({ process }) => process.pid);
    const cpuBefore = pids.map(treeCpuSeconds);
    const redisBefore = client ? await redisCommands(client) : 0;
    monitor?.start();
    const postgresBefore = databaseUrl ? await postgresTransactions(databaseUrl) : 0;
    const mark = discord.mark();
    const started = performance.now();
    for (let i = 0; i < generations; i++)
      discord.sendCommand(
        'video',
        [
          { name: 'model', value: model },
          { name: 'prompt', value: `scale ${i}` },
        ],
        { user: { ...defaultUser, id: String(320_000_000_000_000_000n + BigInt(i)), username: `p${i}` } },
      );
    await waitFor(`${generations} videos`, () => finals(mark) >= generations, deadlineMs).catch(
      (error: Error) => {
        if (gone.length > 0) throw error;
        process.stdout.write(`${label}: ${error.message}; figures are per video delivered\n`);
      },
    );
    const delivered = finals(mark);
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuAfter = pids.map(treeCpuSeconds);
    const sent = monitor?.stop();
    const redisAfter = client ? await redisCommands(client) : 0;
    await client?.quit();
    await monitor?.close();
    // Each backend flushes its statistics within a second of its last transaction.
    if (databaseUrl) await new Promise((resolve) => setTimeout(resolve, 1500));
    const postgresAfter = databaseUrl ? await postgresTransactions(databaseUrl) : 0;
    return {
      label,
      ok: delivered,
      wallSeconds,
      processes: processes.map(({ member }, i) => ({
        label: member.label,
        cpuMsPerGeneration: ((cpuAfter[i]! - cpuBefore[i]!) / Math.max(1, delivered)) * 1000,
        peakRssMb: peakRssMb(pids[i]!),
        errors: errorsOf(processes[i]!.process),
      })),
      redisPerGeneration: client ? (redisAfter - redisBefore) / Math.max(1, delivered) : undefined,
      redisSentPerGeneration: sent
        ? new Map([...sent].map(([name, count]) => [name, count / Math.max(1, delivered)]))
        : undefined,
      // Less the two reads of the statistics themselves.
      postgresPerGeneration: databaseUrl
        ? (postgresAfter - postgresBefore - 1) / Math.max(1, delivered)
        : undefined,
    };
  } finally {
    stopping = true;
    await Promise.allSettled(processes.map(({ process }) => process.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const discord = await startFakeDiscord({ waitTimeoutMs: 600_000 });
const replicate = await startFakeReplicate();
const redis = await startRedisServer();
const postgres: PostgresServer = await startPostgresServer();
const databaseUrl = await postgres.createDatabase();
const base = {
  REPLICATE_API_URL: replicate.apiUrl,
  REPLICATE_API_TOKEN: replicate.token,
  DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
  DISCORD_TOKEN: discord.state.token,
  DISCORD_APPLICATION_ID: discord.state.applicationId,
  DISCORD_API_URL: discord.apiUrl,
  MAX_JOBS_TOTAL: String(generations),
  DAILY_VIDEOS_PER_USER: '0',
};
const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);

/** Prints one setup's figures as soon as it is done, so a later failure does not lose them. */
function print(result: Result) {
  process.stdout.write(
    `\n${result.label}: ${os.availableParallelism()} CPUs, load ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}; ${generations} /video at once, webhooks on, predictions ~${(tickMs * 6) / 1000} s\n`,
  );
  line('videos delivered', `${result.ok}/${generations} in ${result.wallSeconds.toFixed(1)} s`);
  let total = 0;
  for (const p of result.processes) {
    total += p.cpuMsPerGeneration;
    line(
      `  ${p.label}: CPU per generation, peak RSS`,
      `${p.cpuMsPerGeneration.toFixed(1)} ms, ${p.peakRssMb.toFixed(0)} MB`,
    );
  }
  line('CPU per generation, all processes', `${total.toFixed(1)} ms`);
  for (const p of result.processes)
    for (const error of p.errors.slice(0, 5)) line(`  ${p.label} logged`, error.slice(0, 300));
  const sent = result.redisSentPerGeneration;
  if (!sent || result.redisPerGeneration === undefined)
    line('Redis commands per generation', 'none (no Redis)');
  else {
    const total = [...sent.values()].reduce((sum, n) => sum + n, 0);
    line(
      'Redis commands sent per generation',
      `${total.toFixed(1)} (target ${redisTargetPerGeneration}); run by Redis, scripts' included: ${result.redisPerGeneration.toFixed(1)}`,
    );
    const top = [...sent].sort((a, b) => b[1] - a[1]).slice(0, 10);
    line('  the most sent', top.map(([name, n]) => `${name} ${n.toFixed(1)}`).join(', '));
  }
  line(
    'PostgreSQL round trips per generation',
    result.postgresPerGeneration === undefined
      ? 'none (SQLite in the process)'
      : result.postgresPerGeneration.toFixed(1),
  );
  if (result.ok < generations) process.exitCode = 1;
}

/** `SCALE_SETUPS=redis` runs the Redis deployment alone (or `embedded` the one process alone). */
const setups = (process.env.SCALE_SETUPS ?? 'embedded,redis').split(',');
try {
  if (setups.includes('embedded'))
    print(
      await runSetup(
        'embedded (one reelbot start)',
        [{ label: 'start (all)', args: ['start'], port: await freePort() }],
        base,
        discord,
      ),
    );
  if (setups.includes('redis'))
    print(
      await runSetup(
        'Redis + PostgreSQL: bot + web + 2 workers',
        [
          { label: 'bot', args: ['start', '--role', 'bot'] },
          { label: 'web', args: ['start', '--role', 'web'], port: await freePort() },
          { label: 'worker 1', args: ['worker'] },
          { label: 'worker 2', args: ['worker'] },
        ],
        base,
        discord,
        redis,
        databaseUrl,
      ),
    );
} finally {
  await discord.close();
  replicate.stop();
  await redis.stop();
  await postgres.stop();
}
