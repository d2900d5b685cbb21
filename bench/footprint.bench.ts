/**
 * Footprint benchmark: the memory of `bin/reelbot start`, the whole process tree (reelbot, the
 * render worker, Xvfb, ffmpeg), with Discord and Slack connected to the local stand-ins. Printed
 * at rest 10 s after start, after 100 generations through the fake Replicate, and after one
 * simulation plus the render worker's idle time, each beside the 150 MB target.
 *
 * Run with `npm run bench -- footprint`. It runs whatever bin/reelbot runs: `npm run build` first
 * to measure the compiled build, as `make start` and the Docker image run it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { descendantPids } from '../src/cli/shutdown.js';
import { commandLine } from '../src/core/process-table.js';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../test/fakes/discord/server.js';
import { startFakeReplicate } from '../test/fakes/replicate/server.js';
import { startFakeSlack } from '../test/fakes/slack/index.js';
import { spawnReelbot } from '../test/support/reelbot-process.js';

const targetMb = 150;
const generations = 100;
const idleSeconds = 3;

/** Resident memory of `pid` and every process below it, by process, in MB. */
function treeRss(pid: number): { totalMb: number; parts: string[] } {
  const parts: string[] = [];
  let totalKb = 0;
  for (const id of [pid, ...descendantPids(pid)]) {
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${id}/status`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    totalKb += kb;
    const name = path.basename(commandLine(id)?.[0] ?? String(id));
    parts.push(`${name} ${(kb / 1024).toFixed(0)}`);
  }
  return { totalMb: totalKb / 1024, parts };
}

/** Prints the tree's memory now, beside the target when the figure has one. */
function report(what: string, pid: number, target: number | null = targetMb): void {
  const { totalMb, parts } = treeRss(pid);
  const verdict =
    target === null
      ? 'no target: the render worker is warm'
      : `target <= ${target} MB  ${totalMb <= target ? 'ok' : 'OVER'}`;
  process.stdout.write(
    `${what.padEnd(40)} ${totalMb.toFixed(0).padStart(4)} MB   ${verdict}   (${parts.join(', ')})\n`,
  );
}

/** The last edit of an interaction's status message: done, or failed (which still counts here). */
const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^(✅ Done|❌ Failed)/.test(call.json?.content ?? '');

/** Resolves with whether the interaction's video was delivered. */
async function finished(discord: FakeDiscord, token: string): Promise<boolean> {
  const call = await discord.waitForCall(isFinalEdit(token));
  return /^✅/.test(call.json?.content ?? '');
}

const discord = await startFakeDiscord({ waitTimeoutMs: 600_000 });
const slack = await startFakeSlack();
const replicate = await startFakeReplicate();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-bench-footprint-'));
const reelbot = spawnReelbot({
  DATA_DIR: dataDir,
  PORT: '0',
  LOG_LEVEL: 'info',
  REPLICATE_API_URL: replicate.apiUrl,
  REPLICATE_API_TOKEN: replicate.state.token,
  DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
  DISCORD_TOKEN: discord.state.token,
  DISCORD_APPLICATION_ID: discord.state.applicationId,
  DISCORD_API_URL: discord.apiUrl,
  SLACK_BOT_TOKEN: slack.botToken,
  // Socket Mode: a live WebSocket to Slack, as Discord's gateway is.
  SLACK_APP_TOKEN: slack.appToken,
  SLACK_API_URL: slack.apiUrl,
  MAX_JOBS_PER_USER: String(generations),
  // One person asks for all of them: the default daily quota (20) would refuse the rest.
  DAILY_VIDEOS_PER_USER: '0',
  MAX_JOBS_TOTAL: '16',
  RENDER_WORKER: 'lazy',
  RENDER_IDLE_SECONDS: String(idleSeconds),
  // To try Node flags on reelbot alone: FOOTPRINT_NODE_OPTIONS='--max-semi-space-size=4'.
  ...(process.env.FOOTPRINT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.FOOTPRINT_NODE_OPTIONS } : {}),
});
try {
  await reelbot.waitForLine((line) => line.msg === 'reelbot is running', 'reelbot to start', {
    timeoutMs: 120_000,
  });
  await slack.socketMode.connected();
  process.stdout.write(`bin/reelbot start: pid ${reelbot.pid}, ${commandLine(reelbot.pid)?.join(' ')}\n`);
  // At rest: what an idle bot holds once start-up is over.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  report('at rest, 10 s after start', reelbot.pid);

  const tokens: string[] = [];
  for (let i = 0; i < generations; i++) {
    const command = discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: `bench video ${i}` },
    ]);
    tokens.push(command.token);
  }
  const started = performance.now();
  const outcomes = await Promise.all(tokens.map((token) => finished(discord, token)));
  const delivered = outcomes.filter(Boolean).length;
  process.stdout.write(
    `${generations} generations: ${delivered} delivered in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  report(`after ${generations} generations`, reelbot.pid);

  const simulate = discord.sendCommand('simulate', [
    { name: 'prompt', value: 'twenty boxes fall onto a ramp' },
  ]);
  if (!(await finished(discord, simulate.token))) throw new Error('the simulation failed');
  report('right after a simulation', reelbot.pid, null);
  await reelbot.waitForLine((line) => /^render worker stopped/.test(line.msg ?? ''), 'the idle stop', {
    timeoutMs: (idleSeconds + 30) * 1000,
  });
  report(`after a simulation + ${idleSeconds} s idle`, reelbot.pid);
} finally {
  await reelbot.stop().catch((error: unknown) => process.stderr.write(`${String(error)}\n`));
  await discord.close();
  await slack.close();
  await replicate.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
