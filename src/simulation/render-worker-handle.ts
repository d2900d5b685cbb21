import { SimulationError } from '../core/errors.js';
import { canceled } from './canceled.js';
import type { SimulationJob, SimulationResult } from './pipeline.js';
import { runOnWorker } from './render-worker-job.js';
import { type Live, launchWorkerProcess } from './render-worker-process.js';
import type { RenderWorker, RenderWorkerOptions, WorkerJobOptions } from './render-worker-types.js';

export type {
  RenderWorker,
  RenderWorkerOptions,
  RenderWorkerState,
  WorkerJobOptions,
} from './render-worker-types.js';

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
    const state = await launchWorkerProcess(options, retire);
    current = state;
    const pid = state.child.pid;
    if (pid !== undefined) options.onState?.({ type: 'started', pid });
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
    const { signal } = jobOptions;
    if (signal?.aborted) throw canceled();
    const state = await ensure();
    if (signal?.aborted) throw canceled();
    return runOnWorker(state, nextId++, job, jobOptions, () => closed);
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
