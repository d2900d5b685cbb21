import { SimulationError } from '../core/errors.js';
import { canceled } from './canceled.js';
import type { SimulationJob, SimulationResult } from './pipeline.js';
import type { Live } from './render-worker-process.js';
import type { WorkerRequest } from './render-worker-protocol.js';
import type { WorkerJobOptions } from './render-worker-types.js';

/** A worker stuck in native code gets this long to notice a cancel before it is killed. */
const cancelGraceMs = 5000;

/**
 * Runs one job on a live worker, speaking the protocol of render-worker-protocol.ts: progress
 * until done or an error; a cancel is sent on abort, and a worker that does not stop within
 * `cancelGraceMs` is killed. A worker that exits mid-job fails the job with what it wrote.
 */
export function runOnWorker(
  state: Live,
  id: number,
  job: SimulationJob,
  jobOptions: WorkerJobOptions,
  isClosed: () => boolean,
): Promise<{ result: SimulationResult; startupMs: number }> {
  const { signal, onProgress } = jobOptions;
  const started = jobOptions.started ?? performance.now();
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
          signal?.aborted || isClosed()
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
    jobOptions
      .physics?.((from, to, data) => send({ type: 'frames', id, from, to, data }))
      .catch((error: unknown) => {
        physicsFailure = error;
        send({ type: 'cancel', id });
      });
  });
}
