import type { FrameChunkSender } from './physics/frame-chunks.js';
import type { SimulationJob, SimulationProgress, SimulationResult } from './pipeline.js';
import type { XvfbOptions } from './renderer/xvfb.js';

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
   * overlaps the worker starting): it hands each chunk of frames to `send` as it is simulated
   * (frames `from` up to `to`, excluded), and settles after the last. Without it the worker
   * simulates the scene itself, streaming the frames from its physics thread into the drawing.
   */
  physics?: (send: FrameChunkSender) => Promise<void>;
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
