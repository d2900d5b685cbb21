import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { MediaError } from '../errors.js';

/** How a command ended: its exit code (128 + n when signal n ended it) and what it printed. */
export interface CommandResult {
  code: number;
  /** Empty unless `captureStdout` was asked for. */
  stdout: string;
  /** What it printed on stderr when it failed (code not 0); empty after a success. */
  stderr: string;
}

/** Runs a program to its end, without a shell between it and its arguments. */
export interface CommandRunner {
  /**
   * Runs `command` with `args` (stdin is /dev/null) and resolves once it has exited, whatever its
   * exit code. An aborted `signal` kills it (SIGKILL) and rejects with the signal's reason once it
   * is gone.
   */
  run(
    command: string,
    args: readonly string[],
    options?: { signal?: AbortSignal; captureStdout?: boolean },
  ): Promise<CommandResult>;
}

/** A {@link CommandRunner} backed by one long-lived `sh` process; see {@link createSpawner}. */
export interface Spawner extends CommandRunner {
  /** The spawner's process id, once started (benchmarks read its CPU time). */
  readonly pid: number | undefined;
  /** Ends the spawner (and whatever it still runs); the next `run` starts another. */
  close(): Promise<void>;
}

/**
 * The spawner itself, in POSIX sh. Each stdin line is `<id> '<stdout>' '<stderr>' '<program>'
 * '<arg>'...`, single-quoted words for `eval`. A monitor subshell per command runs the program and
 * waits for it, so the loop goes on reading; it answers `started <id> <monitor pid>` at once and
 * `exit <id> <code>` at the end. To kill a program its owner creates `<id>.kill` in the output
 * folder ($1) and sends SIGTERM to the monitor: the trap kills the program, and the file covers a
 * signal that came before the trap was set (the shell ignores SIGTERM, so it is lost, not fatal).
 * On stdin's end (its owner closed it, exited or was killed) it ends its whole process group,
 * which it leads, and removes the folder. SIGPIPE is ignored so that a dead owner cannot kill it
 * before that cleanup; the monitors restore it for the programs.
 */
const spawnerScript = `
dir=$1
trap '' PIPE TERM
while IFS= read -r line; do
  id=\${line%% *}
  eval "set -- \${line#* }"
  out=$1 err=$2
  shift 2
  (
    trap - PIPE
    killed=
    trap 'killed=1' TERM
    "$@" </dev/null >"$out" 2>"$err" &
    child=$!
    trap 'killed=1; kill -KILL $child 2>/dev/null' TERM
    if [ -n "$killed" ] || [ -e "$dir/$id.kill" ]; then killed=1; kill -KILL $child 2>/dev/null; fi
    wait $child
    code=$?
    # A trapped signal interrupts wait (status 128+15); the second wait gives the program's own.
    [ -z "$killed" ] || { wait $child; code=$?; }
    printf 'exit %s %s\\n' "$id" "$code"
  ) &
  printf 'started %s %s\\n' "$id" "$!"
done
kill -TERM 0
wait
rm -rf "$dir"
`;

/** Single-quotes a word for `sh`'s `eval`; a line break would end the request early, so none may appear. */
function quote(word: string): string {
  if (/[\n\r\0]/.test(word))
    throw new MediaError(
      'MEDIA_BAD_ARGUMENT',
      `A command argument holds a line break or NUL: ${JSON.stringify(word)}`,
    );
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

interface Pending {
  outPath: string | undefined;
  errPath: string;
  killPath: string;
  monitorPid?: number;
  killRequested: boolean;
  resolve(code: number): void;
  reject(error: unknown): void;
}

/**
 * Starts programs (ffmpeg, ffprobe) through one small, long-lived `sh` instead of forking reelbot.
 * A fork copies the page tables of the whole ~150 MB bot and waits for the child's exec, which made
 * `child_process.spawn` the largest CPU cost of a generation; a fork of a 2 MB shell is cheap. The
 * shell starts on the first `run`, holds the process open only while a command runs, and dies with
 * its owner: it reads requests from a pipe, and when that pipe closes (an exit, or SIGKILL) it
 * kills every program it started. Output goes through files in a private folder, read back once
 * the program has exited.
 */
export function createSpawner(options: { shell?: string; tempDir?: string } = {}): Spawner {
  let child: ChildProcess | undefined;
  let outputDir: string | undefined;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const setRef = (on: boolean) => {
    if (!child) return;
    const handles = [
      child,
      child.stdin as Writable & { ref?(): void; unref?(): void },
      child.stdout as Readable & { ref?(): void; unref?(): void },
    ];
    for (const handle of handles) (on ? handle.ref : handle.unref)?.call(handle);
  };

  const failAll = (error: Error) => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };

  const onLine = (line: string) => {
    const [kind, idText, value] = line.split(' ');
    const job = pending.get(Number(idText));
    if (!job) return;
    if (kind === 'started') {
      job.monitorPid = Number(value);
      if (job.killRequested) signalMonitor(job);
    } else if (kind === 'exit') {
      pending.delete(Number(idText));
      if (pending.size === 0) setRef(false);
      job.resolve(Number(value));
    }
  };

  const start = (): ChildProcess => {
    if (child) return child;
    outputDir = fs.mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'reelbot-spawner-'));
    // detached: the shell leads its own process group, which it kills when its owner goes away.
    const started = spawn(options.shell ?? '/bin/sh', ['-c', spawnerScript, 'reelbot-spawner', outputDir], {
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let buffered = '';
    started.stdout!.setEncoding('utf8');
    started.stdout!.on('data', (text: string) => {
      buffered += text;
      let end = buffered.indexOf('\n');
      while (end !== -1) {
        onLine(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        end = buffered.indexOf('\n');
      }
    });
    // A write after the shell died fails here; the exit below answers every waiting command.
    started.stdin!.on('error', () => {});
    const gone = (reason: string) => {
      if (child !== started) return;
      child = undefined;
      failAll(new MediaError('MEDIA_SPAWNER_EXITED', `The process spawner ${reason}`));
    };
    started.on('error', (error) => gone(`could not start: ${error.message}`));
    // 'close', not 'exit': the last exit lines may still be in the pipe when the shell ends.
    started.on('close', (code, signal) => gone(`exited (${signal ?? code})`));
    child = started;
    return started;
  };

  function signalMonitor(job: Pending) {
    try {
      if (job.monitorPid) process.kill(job.monitorPid, 'SIGTERM');
    } catch {
      // Already gone: its exit line is on the way.
    }
  }

  /** The marker first, then the signal: a monitor that missed the signal still finds the marker. */
  function kill(job: Pending) {
    job.killRequested = true;
    fs.promises.writeFile(job.killPath, '').then(
      () => signalMonitor(job),
      () => signalMonitor(job),
    );
  }

  /**
   * Reads what the program printed (stderr only when it failed), then removes its files. The reads
   * are synchronous: a few kilobytes a child just wrote, from the page cache, cost less than the
   * four thread-pool round trips of `fs.promises.readFile`.
   */
  async function collect(job: Pending, code: number | undefined, captureStdout: boolean) {
    const read = (file: string | undefined) => {
      try {
        return file ? fs.readFileSync(file, 'utf8') : '';
      } catch {
        return '';
      }
    };
    const stdout = captureStdout ? read(job.outPath) : '';
    const stderr = code !== undefined && code !== 0 ? read(job.errPath) : '';
    const files = [job.outPath, job.errPath, job.killRequested ? job.killPath : undefined];
    // unlink, not rm: rm looks at the file first, one more round trip per file.
    await Promise.all(files.map((file) => (file ? fs.promises.unlink(file).catch(() => {}) : undefined)));
    return { stdout, stderr };
  }

  return {
    get pid() {
      return child?.pid;
    },

    async run(command, args, runOptions = {}) {
      const { signal, captureStdout = false } = runOptions;
      signal?.throwIfAborted();
      const words = [command, ...args].map(quote).join(' ');
      const shell = start();
      const id = nextId++;
      const base = path.join(outputDir!, String(id));
      const outPath = captureStdout ? `${base}.out` : undefined;
      let job!: Pending;
      const exited = new Promise<number>((resolve, reject) => {
        job = {
          outPath,
          errPath: `${base}.err`,
          killPath: `${base}.kill`,
          killRequested: false,
          resolve,
          reject,
        };
      });
      pending.set(id, job);
      if (pending.size === 1) setRef(true);
      const onAbort = () => kill(job);
      signal?.addEventListener('abort', onAbort, { once: true });
      shell.stdin!.write(`${id} ${quote(outPath ?? '/dev/null')} ${quote(job.errPath)} ${words}\n`);
      let code: number;
      try {
        code = await exited;
      } catch (error) {
        await collect(job, undefined, false);
        throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      const output = await collect(job, code, captureStdout);
      if (job.killRequested) throw signal?.reason ?? new Error('aborted');
      return { code, ...output };
    },

    async close() {
      const shell = child;
      if (!shell) return;
      const exited = new Promise<void>((resolve) => shell.once('close', () => resolve()));
      shell.stdin!.end();
      await exited;
    },
  };
}

let shared: Spawner | undefined;

/** The process-wide spawner, started on first use (see {@link createSpawner}). */
export function sharedSpawner(): Spawner {
  shared ??= createSpawner();
  return shared;
}
