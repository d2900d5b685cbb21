import fs from 'node:fs';
import path from 'node:path';
import { canceled } from './canceled.js';
import type { EncoderSettings } from './encoder.js';
import type { FrameChunkSender } from './physics/frame-chunks.js';
import { simulateInThread } from './physics/in-thread.js';
import type { SimulationJob, SimulationProgress, SimulationResult, SimulationTimings } from './pipeline.js';
import { type RenderWorker, startRenderWorker } from './render-worker-handle.js';
import type { RenderQuality } from './renderer/index.js';
import type { XvfbOptions } from './renderer/xvfb.js';
import type { Scene } from './scene/schema.js';

/** Options of {@link renderSimulation}. */
export interface RenderOptions {
  onProgress?: (progress: SimulationProgress) => void;
  /** Called when the warm worker has other jobs ahead of this one, with how many. */
  onQueued?: (ahead: number) => void;
  signal?: AbortSignal;
  /** A warm worker to render on (see render-worker-handle.ts); without it one is started for this job. */
  worker?: RenderWorker;
  /** An X display to render on (`config.display`); when absent a private Xvfb is started and stopped. */
  display?: string;
  xvfb?: XvfbOptions;
  /**
   * Where the physics runs while a cold render worker starts: in a worker thread (the default: the
   * caller's event loop stays free, as a bot needs), or inline on this thread, which starts sooner
   * and suits a command-line process with nothing else to do. A warm worker simulates itself.
   */
  physics?: 'thread' | 'inline';
  quality?: Partial<RenderQuality>;
  encoder?: Partial<EncoderSettings>;
  ffmpegPath?: string;
}

/** The result of a render, with the time spent before the first frame and in all. */
export interface RenderResult extends SimulationResult {
  outFile: string;
  bytes: number;
  timings: SimulationTimings & {
    /**
     * Cold: the physics, from the call to its last frame, overlapping Xvfb and the worker
     * starting. Warm: the time drawing waited for it, as it streams into the frames.
     */
    physicsMs: number;
    /** From the call until the worker reports its first frame drawn. */
    startupMs: number;
    /** From the call to the finished file. */
    wallMs: number;
  };
}

/**
 * Simulates, renders and encodes `scene` into an MP4 at `outFile`, in a render worker process with
 * its own DISPLAY (see render-worker-handle.ts). Progress arrives through `onProgress`; `signal` cancels.
 *
 * With `options.worker` the job goes to that warm worker, which simulates too. Without it a worker
 * (and a private Xvfb, unless `display` is given) is started for this job and stopped after it,
 * and the physics runs here meanwhile, so that it overlaps their start-up; its frames go to the
 * worker in chunks as they are simulated, so the drawing need not wait for the last of them.
 *
 * Why a worker rather than changing DISPLAY here: only config.ts touches the environment, and
 * headless-gl opens its X connection once per process and keeps it, so a private Xvfb that stops
 * would leave this process holding a dead connection.
 */
export async function renderSimulation(
  scene: Scene,
  outFile: string,
  options: RenderOptions = {},
): Promise<RenderResult> {
  const started = performance.now();
  if (options.signal?.aborted) throw canceled();
  // A cold start's physics runs while Xvfb and the worker start; `stop` ends it on any way out.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let physicsMs = 0;
  // Streamed, the physics here may still run once the worker draws: its progress is news only
  // until the first frame is drawn, and would then take the stage back to 'simulate'.
  let drawing = false;
  const onProgress = (progress: SimulationProgress) => {
    if (progress.stage !== 'simulate') drawing = true;
    else if (drawing) return;
    options.onProgress?.(progress);
  };
  const onFrame = (frame: number, totalFrames: number) =>
    onProgress({ stage: 'simulate', frame, totalFrames });
  const timed = () => {
    physicsMs = performance.now() - started;
  };
  const cold = !options.worker;
  // In a thread the physics starts at once, and its first chunks wait here until the job is on
  // its way; inline, it starts then (it blocks).
  let sendFrames: FrameChunkSender | undefined;
  const early: Parameters<FrameChunkSender>[] = [];
  const threaded =
    cold && options.physics !== 'inline'
      ? simulateInThread(scene, {
          signal: stop.signal,
          onFrame,
          onFrames: (...chunk) => (sendFrames ? sendFrames(...chunk) : early.push(chunk)),
        }).then(timed)
      : undefined;
  threaded?.catch(() => {});
  const physics = (send: FrameChunkSender): Promise<void> => {
    if (threaded) {
      for (const chunk of early.splice(0)) send(...chunk);
      sendFrames = send;
      return threaded;
    }
    return import('./physics/frame-chunks.js').then(({ simulateInChunks }) =>
      simulateInChunks(scene, send, { signal: stop.signal, onFrame }).then(timed),
    );
  };
  const worker = options.worker ?? startRenderWorker({ display: options.display, xvfb: options.xvfb });
  const job: SimulationJob = {
    scene,
    outFile: path.resolve(outFile),
    quality: options.quality,
    encoder: options.encoder,
    ffmpegPath: options.ffmpegPath,
  };
  try {
    await fs.promises.mkdir(path.dirname(job.outFile), { recursive: true });
    const { result, startupMs } = await worker
      .render(job, {
        signal: options.signal,
        onProgress,
        onQueued: options.onQueued,
        physics: cold ? physics : undefined,
        started,
      })
      .catch(async (error: unknown) => {
        // A canceled or failed render leaves no half-written video behind.
        await fs.promises.rm(job.outFile, { force: true });
        throw error;
      });
    const { size } = await fs.promises.stat(job.outFile);
    return {
      ...result,
      outFile: job.outFile,
      bytes: size,
      timings: {
        ...result.timings,
        physicsMs: cold ? physicsMs : result.timings.simulateMs,
        startupMs,
        wallMs: performance.now() - started,
      },
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    if (cold) await worker.close();
  }
}
