import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MediaError } from '../../../../src/core/errors.js';
import { createSpawner, type Spawner } from '../../../../src/core/media/spawner.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-spawner-test-'));
const owner = path.join(import.meta.dirname, 'spawner-owner.ts');
const spawners: Spawner[] = [];
const owners: ChildProcess[] = [];
let fifoCount = 0;

function newSpawner(): Spawner {
  const spawner = createSpawner({ tempDir: tmp });
  spawners.push(spawner);
  return spawner;
}

function newFifo(): string {
  const fifo = path.join(tmp, `fifo-${fifoCount++}`);
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

function isAlive(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

/** Checks a condition until it holds (a process has no event for "gone" that we could await). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Reads a FIFO to its end: resolves once every process that held it for writing is gone. */
async function readToEnd(fifo: string): Promise<string> {
  return fs.promises.readFile(fifo, 'utf8');
}

function startOwner(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', owner, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  owners.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(((await lines.next()).value as string | undefined) ?? 'null');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, next, exited };
}

afterEach(async () => {
  await Promise.all(spawners.splice(0).map((spawner) => spawner.close()));
});

afterAll(() => {
  for (const child of owners) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('spawner', () => {
  it('runs a program with its arguments untouched and returns its exit code, stdout and stderr', async () => {
    const spawner = newSpawner();
    const args = ['a b', "it's", '$HOME', '"q"', '*', ''];
    const result = await spawner.run(
      'sh',
      ['-c', 'printf "%s|" "$@"; printf oops >&2; exit 3', 'sh', ...args],
      { captureStdout: true },
    );
    expect(result).toEqual({ code: 3, stdout: `${args.join('|')}|`, stderr: 'oops' });
    // Nothing is left in its output folder once the result is back.
    const folder = fs.readdirSync(tmp).find((name) => name.startsWith('reelbot-spawner-'))!;
    expect(fs.readdirSync(path.join(tmp, folder))).toEqual([]);
  });

  it('keeps the output of commands running side by side apart', async () => {
    const spawner = newSpawner();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        spawner.run('sh', ['-c', `echo ${i}; exit ${i}`], { captureStdout: true }),
      ),
    );
    expect(results.map((r) => [r.code, r.stdout])).toEqual(
      Array.from({ length: 20 }, (_, i) => [i, `${i}\n`]),
    );
  });

  it('reports a program that does not exist as exit code 127', async () => {
    const result = await newSpawner().run('reelbot-no-such-program', []);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/not found/);
  });

  it('refuses an argument with a line break instead of running something else', async () => {
    const error = await newSpawner()
      .run('echo', ['a\nb'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('MEDIA_BAD_ARGUMENT');
  });

  it('kills the program on abort and rejects with the reason once it is gone', async () => {
    const spawner = newSpawner();
    const fifo = newFifo();
    const controller = new AbortController();
    const running = spawner.run('sh', ['-c', 'echo $$ >"$1"; exec sleep 60', 'sh', fifo], {
      signal: controller.signal,
    });
    const pid = Number((await readToEnd(fifo)).trim());
    expect(isAlive(pid)).toBe(true);
    const reason = new Error('canceled by the test');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(isAlive(pid)).toBe(false);
  });

  it('kills a program aborted right after it was asked for, before it could start', async () => {
    const spawner = newSpawner();
    const fifo = newFifo();
    const controller = new AbortController();
    const running = spawner.run('sh', ['-c', 'exec 3>"$1"; exec sleep 60', 'sh', fifo], {
      signal: controller.signal,
    });
    controller.abort();
    await expect(running).rejects.toThrow();
    // If sleep had started, its descriptor would still hold the FIFO open; now it reads as ended.
    const writer = fs.promises.open(fifo, 'w');
    const reader = fs.promises.open(fifo, 'r');
    await (await writer).close();
    await expect((await reader).readFile('utf8')).resolves.toBe('');
    const second = await spawner.run('true', []);
    expect(second.code).toBe(0);
  });

  it('does not start a program for a signal that is already aborted', async () => {
    const spawner = newSpawner();
    await expect(spawner.run('true', [], { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(spawner.pid).toBeUndefined();
  });

  it('ends, with what it runs, when its owner is killed', async () => {
    const fifo = newFifo();
    const { child, next } = startOwner(['hold', fifo]);
    const { spawnerPid } = (await next()) as { spawnerPid: number };
    // Opening the FIFO completes once sleep holds it: the program runs.
    const reader = await fs.promises.open(fifo, 'r');
    expect(isAlive(spawnerPid)).toBe(true);
    child.kill('SIGKILL');
    // The read ends when the last writer, sleep, is gone.
    expect(await reader.readFile('utf8')).toBe('');
    await reader.close();
    await until(() => !isAlive(spawnerPid), 'the spawner is gone');
  });

  it('lets its owner exit once nothing runs, and then ends too', async () => {
    const { next, exited } = startOwner(['finish']);
    const { spawnerPid } = (await next()) as { spawnerPid: number };
    expect(await next()).toEqual({ code: 0 });
    expect(await exited).toBe(0);
    await until(() => !isAlive(spawnerPid), 'the spawner is gone');
  });
});
