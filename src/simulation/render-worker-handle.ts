import { type ChildProcess, fork } from 'node:child_process';
import { childEnvironment } from '../core/config.js';
import { SimulationError } from '../core/errors.js';
import { canceled } from './canceled.js';
import type { Trajectory } from './physics/trajectory.js';
import type { SimulationJob, SimulationProgress, SimulationResult } from './pipeline.js';
import { workerCommand } from './render-worker-command.js';
import type { WorkerReply, WorkerRequest } from './render-worker-protocol.js';
import { startXvfb, type XServer, type XvfbOptions } from './renderer/xvfb.js';

/** Where the worker draws: a given X display, or a private Xvfb it starts and stops. */
export interface RenderWorkerOptions {
  /** An X display to render on (`config.display`); when absent a private Xvfb is started. */
  display?: string;
  xvfb?: XvfbOptions;
  /**
   * Stop the worker and its Xvfb once no job has come for this long; the next job starts them
   * again. Without it they stay up until `close`.
   */
  idleMs?: number;
  /** Told when the worker process is up, and when it stopped for being idle. */
  onState?: (event: RenderWorkerState) => void;
}

/** What {@link RenderWorkerOptions.onState} hears. */
export type RenderWorkerState = { type: 'started'; pid: number } | { type: 'idle-stopped'; idleMs: number };

/** One job for {@link RenderWorker.render}. */
export interface WorkerJobOptions {
  onProgress?: (progress: SimulationProgress) => void;
  /** Called at once when other jobs are ahead of this one, with how many. */
  onQueued?: (ahead: number) => void;
  signal?: AbortSignal;
  /**
   * The physics, started by the caller once the job is on its way to the worker (so that it
   * overlaps the worker starting). Without it the worker simulates the scene itself.
   */
  physics?: () => Promise<Trajectory>;
  /** `performance.now()` when the caller's clock started; `startupMs` counts from it. */
  started?: number;
}

/** A render worker process with its X display, which renders jobs one at a time. */
export interface RenderWorker {
  /**
   * Renders `job` once the jobs before it are done; canceled while it waits, it leaves the queue at
   * once. `startupMs` runs from `options.started` (or the call) to the first frame drawn.
   */
  render(
    job: SimulationJob,
    options?: WorkerJobOptions,
  ): Promise<{ result: SimulationResult; startupMs: number }>;
  /** Starts Xvfb and the worker process now, so that the first job does not wait for them. */
  warm(): Promise<void>;
  /** The worker's process id while it runs (for logs and tests). */
  readonly pid: number | undefined;
  /** Stops the worker, then its Xvfb. A job still running fails as canceled; later ones are refused. */
  close(): Promise<void>;
}

/** The worker process and the X server it draws on, while both run. */
interface Live {
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

/** Resolves when `turn` settles; rejects as canceled as soon as `signal` aborts. */
function untilTurn(turn: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return turn.then(() => undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(canceled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void turn.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** A worker stuck in native code gets this long to notice a cancel before it is killed. */
const cancelGraceMs = 5000;

/**
 * Starts (lazily, or at once with `warm`) a render worker that stays up between jobs: the bot pays
 * for Xvfb, Node, headless-gl and Rapier starting once rather than for every `/simulate`. A worker
 * that crashes fails its job and is started afresh, with a fresh Xvfb, for the next one.
 */
export function startRenderWorker(options: RenderWorkerOptions = {}): RenderWorker {
  let live: Promise<Live> | undefined;
  let current: Live | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** Jobs queued or running. */
  let waiting = 0;
  let nextId = 1;
  let closed = false;
  let closing: Promise<void> | undefined;
  /** The X server of a worker that died, stopping: the next one starts once it is gone. */
  let retiring: Promise<void> = Promise.resolve();
  let idleTimer: NodeJS.Timeout | undefined;

  /** With `idleMs`, stops the worker and its Xvfb once that long passed without a job. */
  function idleFromNow(): void {
    const { idleMs } = options;
    if (idleMs === undefined || closed || waiting > 0) return;
    clearTimeout(idleTimer);
    // unref'd: an idle worker never keeps a finished process alive.
    idleTimer = setTimeout(() => void rest(idleMs), idleMs).unref();
  }

  async function rest(idleMs: number): Promise<void> {
    const state = current;
    if (!state || waiting > 0 || closed) return;
    // Detached at once: a job that comes now starts a fresh worker rather than join a stopping one.
    live = undefined;
    current = undefined;
    // ...and it waits for this one, with its Xvfb, to be gone first.
    retiring = state.exited.then(() => state.xserver?.stop());
    state.child.kill('SIGTERM');
    await state.exited;
    await retiring;
    options.onState?.({ type: 'idle-stopped', idleMs });
  }

  async function launch(): Promise<Live> {
    await retiring;
    const xserver = options.display ? undefined : await startXvfb(options.xvfb);
    const { file, execArgv } = workerCommand();
    const child = fork(file, [], {
      execArgv,
      env: childEnvironment({ DISPLAY: options.display ?? xserver!.display }),
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
    child.on('error', (error) => {
      if (child.pid === undefined) retire(state, { code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => retire(state, { code, signal }));
    current = state;
    if (child.pid !== undefined) options.onState?.({ type: 'started', pid: child.pid });
    return state;
  }

  /** Forgets a worker that is gone, fails its job, and stops its X server. */
  function retire(state: Live, ended: NonNullable<Live['ended']>): void {
    if (state.ended) return;
    state.ended = ended;
    if (current === state) {
      live = undefined;
      current = undefined;
    }
    for (const handler of state.onExit) handler();
    // Its X connection is closed now, so the X server can go.
    retiring = state.xserver?.stop() ?? Promise.resolve();
  }

  function ensure(): Promise<Live> {
    if (closed)
      return Promise.reject(new SimulationError('RENDER_WORKER_CLOSED', 'The render worker is closed'));
    live ??= launch().catch((error: unknown) => {
      live = undefined;
      throw error;
    });
    return live;
  }

  async function runJob(
    job: SimulationJob,
    jobOptions: WorkerJobOptions,
  ): Promise<{ result: SimulationResult; startupMs: number }> {
    const { signal, onProgress } = jobOptions;
    const started = jobOptions.started ?? performance.now();
    if (signal?.aborted) throw canceled();
    const state = await ensure();
    if (signal?.aborted) throw canceled();
    const id = nextId++;
    const send = (request: WorkerRequest) => {
      if (state.child.connected) state.child.send(request);
    };

    return new Promise((resolve, reject) => {
      let startupMs: number | undefined;
      let physicsFailure: unknown;
      let killTimer: NodeJS.Timeout | undefined;
      const settle = (outcome: () => void) => {
        clearTimeout(killTimer);
        signal?.removeEventListener('abort', onAbort);
        state.jobs.delete(id);
        state.onExit.delete(onExit);
        outcome();
      };
      const onAbort = () => {
        send({ type: 'cancel', id });
        killTimer = setTimeout(() => state.child.kill('SIGKILL'), cancelGraceMs);
      };
      const onExit = () => {
        const { code, signal: exitSignal, error } = state.ended!;
        settle(() =>
          reject(
            signal?.aborted || closed
              ? canceled()
              : (physicsFailure ??
                  (error
                    ? new SimulationError(
                        'RENDER_WORKER_FAILED',
                        `The render worker could not start: ${error.message}`,
                        {
                          cause: error,
                        },
                      )
                    : new SimulationError(
                        'RENDER_WORKER_CRASHED',
                        `The render worker exited with ${exitSignal ?? code} before finishing: ${state.stderr().trim().slice(-1500) || 'no output'}`,
                      ))),
          ),
        );
      };
      state.onExit.add(onExit);
      state.jobs.set(id, (reply) => {
        if (reply.type === 'progress') {
          if (reply.progress.stage === 'render') startupMs ??= performance.now() - started;
          onProgress?.(reply.progress);
        } else if (reply.type === 'done') {
          settle(() => resolve({ result: reply.result, startupMs: startupMs ?? 0 }));
        } else {
          const { code, message, userMessage } = reply.error;
          settle(() =>
            reject(
              physicsFailure && !signal?.aborted
                ? physicsFailure
                : new SimulationError(
                    // The worker sends the code of a SimulationError (or SIMULATION_FAILED for anything else).
                    code as ConstructorParameters<typeof SimulationError>[0],
                    message,
                    userMessage ? { userMessage } : {},
                  ),
            ),
          );
        }
      });
      // Gone between starting and this job: fail it now rather than wait for an exit already past.
      if (state.ended) return onExit();
      signal?.addEventListener('abort', onAbort, { once: true });
      send({ type: 'run', id, job, physics: jobOptions.physics ? 'sent' : 'here' });
      jobOptions.physics?.().then(
        (trajectory) => send({ type: 'trajectory', id, trajectory }),
        (error: unknown) => {
          physicsFailure = error;
          send({ type: 'cancel', id });
        },
      );
    });
  }

  return {
    render(job, jobOptions = {}) {
      // One job at a time: the worker draws with one GL context, and two would only share two cores.
      clearTimeout(idleTimer);
      const ahead = waiting++;
      if (ahead > 0) jobOptions.onQueued?.(ahead);
      const turn = queue;
      const result = untilTurn(turn, jobOptions.signal).then(() => runJob(job, jobOptions));
      // The next job waits for this one, or, if this one left the queue early, for the one before.
      queue = Promise.allSettled([turn, result]);
      return result.finally(() => {
        waiting--;
        idleFromNow();
      });
    },
    async warm() {
      await ensure();
      idleFromNow();
    },
    get pid() {
      return current?.child.pid;
    },
    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(idleTimer);
        const state = await live?.catch(() => undefined);
        if (state) {
          state.child.kill('SIGTERM');
          await state.exited;
        }
        // Set when the worker exited: its X server stopping.
        await retiring;
      })();
      return closing;
    },
  };
}
