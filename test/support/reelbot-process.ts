import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { probe } from '../../src/core/media/ffmpeg.js';

const root = path.resolve(import.meta.dirname, '../..');

/** One JSON log line of the process (pino), or `{ msg }` for a line that is not JSON. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** How long a stopped process, with everything it started, may take to be gone: the issue's limit. */
export const stopLimitMs = 10_000;

/** A process id with its start time, so that a reused id is not taken for the process we saw. */
interface ProcessId {
  pid: number;
  startTime: string;
}

/** `bin/reelbot start`, spawned as its own process, with its log as it comes. */
export interface SpawnedReelbot {
  readonly pid: number;
  readonly lines: LogLine[];
  /** The end of what it wrote to stderr. */
  stderr(): string;
  /** Resolves when the process itself exits (its children may still run: see `gone`). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Resolves with the first log line (from line `options.after` on) that matches; fails when the
   * process exits first, or after `options.timeoutMs` (30 s).
   */
  waitForLine(
    predicate: (line: LogLine) => boolean,
    what: string,
    options?: { after?: number; timeoutMs?: number },
  ): Promise<LogLine>;
  /**
   * Resolves with the exit once the process and every process it started (the render worker, Xvfb,
   * ffmpeg) are gone. Rejects, after killing what is left, if that takes over 10 s from now.
   */
  gone(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM, then {@link SpawnedReelbot.gone}. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the whole tree; for cleanup after a failed test. */
  kill(): void;
  /** Closes our end of its stdout, as `| head` does once it read enough: its next write fails. */
  closeOutput(): void;
}

/** A started `reelbot start` (or `worker`): it said "reelbot is running". */
export interface ReelbotProcess extends SpawnedReelbot {
  /** Its "reelbot is running" line: the role, the bots, the queue it runs with. */
  readonly ready: LogLine;
  /** The web server's base URL, from that line ("undefined" for a role without a web server). */
  readonly url: string;
}

function readStat(pid: number): { ppid: number; state: string; startTime: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), startTime: fields[19]! };
  } catch {
    return undefined;
  }
}

/** Every process below `pid` now, found through the parent ids in /proc. */
function descendantsOf(pid: number): ProcessId[] {
  const children = new Map<number, ProcessId[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push({ pid: Number(entry), startTime: stat.startTime });
    children.set(stat.ppid, list);
  }
  const found: ProcessId[] = [];
  const visit = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      visit(child.pid);
    }
  };
  visit(pid);
  return found;
}

/** A process below reelbot now, with its program's name (`node`, `ffmpeg`, `Xvfb`). */
export interface ChildProcessSeen extends ProcessId {
  name: string;
}

/** Every process below `pid` now, named by the program each runs. */
export function processesBelow(pid: number): ChildProcessSeen[] {
  return descendantsOf(pid).flatMap((id) => {
    try {
      const program = fs.readFileSync(`/proc/${id.pid}/cmdline`, 'utf8').split('\0')[0]!;
      return [{ ...id, name: path.basename(program) }];
    } catch {
      return []; // ended while we looked
    }
  });
}

/** Resolves once `done` holds, looking every 20 ms (processes end on their own time); fails after 10 s. */
export async function until(done: () => boolean, what: string): Promise<void> {
  for (const limit = performance.now() + 10_000; !done(); ) {
    if (performance.now() > limit) throw new Error(`still not: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Still running: present, the same process (start time), and not a zombie waiting to be reaped. */
export function isRunning(id: ProcessId): boolean {
  const stat = readStat(id.pid);
  return stat !== undefined && stat.startTime === id.startTime && stat.state !== 'Z';
}

function describeProcess(id: ProcessId): string {
  try {
    return `${id.pid} (${fs.readFileSync(`/proc/${id.pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()})`;
  } catch {
    return String(id.pid);
  }
}

/** How to run `reelbot start`, besides its environment. */
export interface SpawnOptions {
  /** Another command than `start`, with its arguments. */
  args?: string[];
  /** Runs under `ulimit -f` with this many KiB: writes past it fail with EFBIG, as on a full disk. */
  fileSizeLimitKiB?: number;
  /** With {@link startReelbot}: how long it may take to say it is running (30 s). */
  startTimeoutMs?: number;
}

/**
 * Spawns `bin/reelbot start` (or `args`) exactly as `make start` does: configuration through the
 * environment only (a clean one, so a developer's own tokens never leak in), JSON logs on stdout.
 */
export function spawnReelbot(env: Record<string, string>, options: SpawnOptions = {}): SpawnedReelbot {
  const bin = path.join(root, 'bin/reelbot');
  const args = options.args ?? ['start'];
  // bash sets the limit and then becomes reelbot (exec), so the pid stays the one we watch.
  const [command, argv] =
    options.fileSizeLimitKiB === undefined
      ? [bin, args]
      : ['bash', ['-c', `ulimit -f ${options.fileSizeLimitKiB} && exec "$0" "$@"`, bin, ...args]];
  const child: ChildProcess = spawn(command, argv, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  const lines: LogLine[] = [];
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  readline.createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      lines.push({ msg: text });
    }
    track();
    for (const listener of [...listeners]) listener();
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
      for (const listener of [...listeners]) listener();
    }),
  );
  // Every process seen below ours, so that one orphaned by an early exit is still checked.
  const tree = new Map<number, ProcessId>();
  const track = () => {
    if (exited) return;
    for (const id of descendantsOf(pid)) tree.set(id.pid, id);
  };
  const tail = () =>
    `${lines
      .slice(-15)
      .map((line) => JSON.stringify(line))
      .join('\n')}\n${stderr}`;

  const waitForLine: ReelbotProcess['waitForLine'] = (predicate, what, options = {}) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const line = lines.slice(options.after ?? 0).find(predicate);
        if (line) return done(() => resolve(line));
        if (exited)
          return done(() => reject(new Error(`reelbot exited (${exited?.code}) before ${what}:\n${tail()}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out waiting for ${what}:\n${tail()}`))),
        options.timeoutMs ?? 30_000,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  const kill = () => {
    track();
    for (const id of [...tree.values()].filter(isRunning)) {
      try {
        process.kill(id.pid, 'SIGKILL');
      } catch (error) {
        // Gone between the look and the kill: its parent, killed just before, took it down.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    if (!exited) child.kill('SIGKILL');
  };

  const gone: SpawnedReelbot['gone'] = async () => {
    const deadline = Date.now() + stopLimitMs;
    for (;;) {
      track();
      const left = [...tree.values()].filter(isRunning);
      if (exited && left.length === 0) return exit;
      if (Date.now() > deadline) {
        const names = [...(exited ? [] : [`${pid} (reelbot)`]), ...left.map(describeProcess)];
        kill();
        throw new Error(`still running after ${stopLimitMs} ms: ${names.join(', ')}\n${tail()}`);
      }
      // A bounded poll of /proc: nothing signals us when a grandchild (Xvfb) ends.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  return {
    pid,
    lines,
    stderr: () => stderr,
    exited: exit,
    waitForLine,
    kill,
    gone,
    closeOutput: () => child.stdout!.destroy(),
    stop() {
      track();
      child.kill('SIGTERM');
      return gone();
    },
  };
}

/** Spawns `bin/reelbot start` (see {@link spawnReelbot}) and resolves once it logs "reelbot is running". */
export async function startReelbot(
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<ReelbotProcess> {
  const spawned = spawnReelbot(env, options);
  const what = `reelbot ${(options.args ?? ['start']).join(' ')} to be running`;
  const ready = await spawned
    .waitForLine((line) => line.msg === 'reelbot is running', what, { timeoutMs: options.startTimeoutMs })
    .catch((error: unknown) => {
      spawned.kill();
      throw error;
    });
  return { ...spawned, ready, url: String(ready.url) };
}

/** What ffprobe says of `bytes`, as a file: codec and duration. */
export async function probeVideo(bytes: Buffer): Promise<Awaited<ReturnType<typeof probe>>> {
  const file = path.join(
    os.tmpdir(),
    `reelbot-e2e-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`,
  );
  fs.writeFileSync(file, bytes);
  try {
    return await probe(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** How a one-shot `bin/reelbot` command ended, with all it wrote. */
export interface ReelbotRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one `bin/reelbot` command (`simulate`, `generate`, `form`, or `start` that should refuse to
 * start) to its end, in a clean environment like {@link spawnReelbot}. Output is kept to its last
 * 64 KB, so a command that prints without end cannot fill the test's memory; after `timeoutMs`
 * (60 s) the command is killed and the run fails.
 */
export function runReelbot(
  args: string[],
  env: Record<string, string> = {},
  options: { timeoutMs?: number } = {},
): Promise<ReelbotRun> {
  const child = spawn(path.join(root, 'bin/reelbot'), args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-65_536);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-65_536);
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reelbot ${args.join(' ')} still running after ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
