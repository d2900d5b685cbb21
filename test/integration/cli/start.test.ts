import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';
import { type FakeReplicate, startFakeReplicate } from '../../fakes/replicate/server.js';
import { operatorKey } from './process-helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

/** A running `reelbot start`, with its JSON log lines as they come. */
interface StartedProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  waitForLine(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

function startReelbot(env: Record<string, string>): StartedProcess {
  const child = spawn(tsx, ['src/cli.ts', 'start'], {
    cwd: root,
    // A clean environment: only what the test gives, so a developer's own tokens never leak in.
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    predicate: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  readline.createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exit,
    waitForLine(predicate) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exit.then((code) => reject(new Error(`reelbot exited (${code}) first:\n${stderr}`)));
      });
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('reelbot start', () => {
  let fake: FakeReplicate;
  let dataDir: string;

  beforeAll(async () => {
    fake = await startFakeReplicate();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-start-'));
  });
  afterAll(() => fake.close());

  it('refuses to start with one message naming every bad variable', async () => {
    const run = startReelbot({ DATA_DIR: dataDir, PORT: 'x', DISCORD_TOKEN: 'abc' });
    let stderr = '';
    run.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    expect(await run.exit).toBe(1);
    expect(stderr).toContain('PORT must be a port number');
    expect(stderr).toContain('DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is missing');
  });

  it('serves the gallery, resumes an unfinished generation, keeps a render worker warm, and stops cleanly on SIGTERM', async () => {
    // A generation a previous process accepted but never started: the new process must finish it.
    const db = openDatabase(dataDir);
    const pending = await createGenerationStore(db).insert({
      source: 'replicate',
      requester: { platform: 'cli', userId: 'tester' },
      model: 'minimax/video-01',
      prompt: 'a lighthouse at dawn',
      input: { prompt: 'a lighthouse at dawn' },
    });
    db.close();

    const run = startReelbot({
      DATA_DIR: dataDir,
      PORT: '0',
      REPLICATE_API_URL: fake.apiUrl,
      REPLICATE_API_TOKEN: fake.state.token,
      DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
      // Lazy (the default) starts it with the first simulation; this test checks the warm one.
      RENDER_WORKER: 'eager',
    });
    const listening = await run.waitForLine((line) => line.msg === 'web server listening');
    const url = String(listening.url);

    // The render worker and its Xvfb start with the bot, not with the first /simulate.
    const ready = await run.waitForLine((line) => line.msg === 'render worker ready');
    const workerPid = Number(ready.pid);
    expect(isAlive(workerPid)).toBe(true);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    const finished = await eventually(async () => {
      const body = (await (
        await fetch(`${url}/api/generations/${pending.id}?${operatorKey(dataDir)}`)
      ).json()) as { status: string };
      return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
    }, 'the resumed generation to finish');
    expect(finished.status).toBe('succeeded');
    const video = await fetch(`${url}/media/${pending.id}?${operatorKey(dataDir)}`);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.lines.some((line) => line.msg === 'stopped')).toBe(true);
    expect(isAlive(workerPid)).toBe(false);
  });
});
