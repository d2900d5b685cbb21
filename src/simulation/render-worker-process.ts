import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childEnvironment } from '../core/config.js';
import { workerCommand } from './render-worker-command.js';
import type { WorkerReply } from './render-worker-protocol.js';
import type { RenderWorkerOptions } from './render-worker-types.js';
import { startXvfb, type XServer } from './renderer/xvfb.js';

/** The worker process and the X server it draws on, while both run. */
export interface Live {
  child: ChildProcess;
  xserver?: XServer;
  exited: Promise<void>;
  stderr(): string;
  /** Handlers of the job running now, keyed by job id. */
  jobs: Map<number, (reply: WorkerReply) => void>;
  onExit: Set<() => void>;
  /** Why the process is gone, once it is: its exit, or the error that kept it from starting. */
  ended?: { code: number | null; signal: NodeJS.Signals | null; error?: Error };
}

/** How a worker process ended: its exit, or the error that kept it from starting. */
export type WorkerEnd = NonNullable<Live['ended']>;

/**
 * Starts the render worker process on its X display (a private Xvfb unless `options.display` is
 * given), in reelbot's process. `onEnded` hears when the process is gone, whichever way.
 */
export async function launchWorkerProcess(
  options: Pick<RenderWorkerOptions, 'display' | 'xvfb'>,
  onEnded: (state: Live, ended: WorkerEnd) => void,
): Promise<Live> {
  const xserver = options.display ? undefined : await startXvfb(options.xvfb);
  const { file, execArgv } = workerCommand();
  // The worker's spare ffmpeg writes here (spare-encoder.ts). Made and removed out here, so that a
  // worker killed with SIGKILL, which cleans nothing, leaves no file behind either.
  const spareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-encoder-'));
  const child = fork(file, [spareDir], {
    execArgv,
    // glibc gives threads new malloc arenas when they contend, and the worker has many (llvmpipe's,
    // the physics thread, V8's): under load it grew by arenas video after video, and held about
    // 50-80 MB more than with two, at the same speed (`npm run bench:sim`). An operator's own wins.
    env: childEnvironment({ DISPLAY: options.display ?? xserver!.display }, undefined, {
      MALLOC_ARENA_MAX: '2',
    }),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const state: Live = {
    child,
    xserver,
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
    stderr: () => stderr,
    jobs: new Map(),
    onExit: new Set(),
  };
  child.on('message', (reply: WorkerReply) => state.jobs.get(reply.id)?.(reply));
  // A process that never started reports only an error, no exit.
  // Retried: the spare of a worker killed with SIGKILL sees its input end and may create its file
  // while the folder goes.
  const removeSpareDir = () => {
    try {
      fs.rmSync(spareDir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Left in the temporary folder: never worth failing the bot over.
    }
  };
  child.on('error', (error) => {
    if (child.pid !== undefined) return;
    removeSpareDir();
    onEnded(state, { code: null, signal: null, error });
  });
  child.once('exit', (code, signal) => {
    removeSpareDir();
    onEnded(state, { code, signal });
  });
  return state;
}
