import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childEnvironment } from '../config.js';
import { SimulationError } from '../errors.js';
import type { EncoderSettings } from './encoder.js';
import { simulateInThread } from './physics/in-thread.js';
import type { Trajectory } from './physics/trajectory.js';
import type { SimulationJob, SimulationProgress, SimulationResult, SimulationTimings } from './pipeline.js';
import type { RenderQuality } from './renderer/index.js';
import { startXvfb, type XServer, type XvfbSpawner } from './renderer/xvfb.js';
import type { Scene } from './scene/schema.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** Options of {@link renderSimulation}. */
export interface RenderOptions {
  onProgress?: (progress: SimulationProgress) => void;
  signal?: AbortSignal;
  /** An X display to render on (`config.display`); when absent a private Xvfb is started and stopped. */
  display?: string;
  xvfb?: { command?: string; spawn?: XvfbSpawner };
  /**
   * Where the physics runs while the render worker starts: in a worker thread (the default: the
   * caller's event loop stays free, as a bot needs), or inline on this thread, which starts sooner
   * and suits a command-line process with nothing else to do.
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
    /** The physics thread, from its start to the trajectory; it overlaps Xvfb and worker start-up. */
    physicsMs: number;
    /** From the call until the worker reports its first frame drawn. */
    startupMs: number;
    /** From the call to the finished file. */
    wallMs: number;
  };
}

const here = fileURLToPath(import.meta.url);
const extension = path.extname(here);

/** How to start the worker: from TypeScript sources through tsx, or plainly from built files. */
function workerCommand(): { file: string; execArgv: string[] } {
  const file = path.join(path.dirname(here), `worker${extension}`);
  const loader =
    extension === '.ts' ? ['--import', pathToFileURL(createRequire(here).resolve('tsx')).href] : [];
  return { file, execArgv: loader };
}

/**
 * Simulates, renders and encodes `scene` into an MP4 at `outFile`, in a worker process with its own
 * DISPLAY: the given one, or a private Xvfb started here and stopped afterwards. Progress arrives
 * through `onProgress`; `signal` cancels.
 *
 * Why a worker rather than changing DISPLAY here: only config.ts touches the environment, and
 * headless-gl opens its X connection once per process and keeps it, so a private Xvfb that stops
 * after each render would leave this process holding a dead connection.
 */
export async function renderSimulation(
  scene: Scene,
  outFile: string,
  options: RenderOptions = {},
): Promise<RenderResult> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  // The physics runs while Xvfb and the render worker start up; `stop` ends it on any way out.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let physicsMs = 0;
  const onFrame = (frame: number, totalFrames: number) =>
    options.onProgress?.({ stage: 'simulate', frame, totalFrames });
  const timed = (trajectory: Trajectory) => {
    physicsMs = performance.now() - started;
    return trajectory;
  };
  // In a thread the physics starts at once; inline, once the worker is on its way (it blocks).
  const threaded =
    options.physics === 'inline'
      ? undefined
      : simulateInThread(scene, { signal: stop.signal, onFrame }).then(timed);
  threaded?.catch(() => {});
  const physics = () =>
    threaded ??
    import('./physics/simulate.js').then(({ simulate }) =>
      simulate(scene, { signal: stop.signal, onFrame }).then(timed),
    );
  let xserver: XServer | undefined;
  try {
    await fs.promises.mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
    if (!options.display) xserver = await startXvfb(options.xvfb);
    const display = options.display ?? xserver!.display;
    const job: SimulationJob = {
      scene,
      outFile: path.resolve(outFile),
      quality: options.quality,
      encoder: options.encoder,
      ffmpegPath: options.ffmpegPath,
    };
    const { result, startupMs } = await runWorker(job, display, options, started, physics).catch(
      async (error: unknown) => {
        // A canceled or failed render leaves no half-written video behind.
        await fs.promises.rm(job.outFile, { force: true });
        throw error;
      },
    );
    const { size } = await fs.promises.stat(job.outFile);
    return {
      ...result,
      outFile: job.outFile,
      bytes: size,
      timings: { ...result.timings, physicsMs, startupMs, wallMs: performance.now() - started },
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await xserver?.stop();
  }
}

function runWorker(
  job: SimulationJob,
  display: string,
  options: RenderOptions,
  started: number,
  physics: () => Promise<Trajectory>,
): Promise<{ result: SimulationResult; startupMs: number }> {
  const { file, execArgv } = workerCommand();
  const child: ChildProcess = fork(file, [], {
    execArgv,
    env: childEnvironment({ DISPLAY: display }),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  return new Promise((resolve, reject) => {
    let startupMs: number | undefined;
    let result: SimulationResult | undefined;
    let failure: SimulationError | undefined;
    let physicsFailure: unknown;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (child.connected) child.send({ type: 'cancel' } satisfies WorkerRequest);
      // A worker stuck in native code gets a few seconds to notice, then it is killed.
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') {
        startupMs ??= performance.now() - started;
        options.onProgress?.(reply.progress);
      } else if (reply.type === 'done') {
        result = reply.result;
      } else {
        const { code, message, userMessage } = reply.error;
        failure = new SimulationError(
          // The worker sends the code of a SimulationError (or SIMULATION_FAILED for anything else).
          code as ConstructorParameters<typeof SimulationError>[0],
          message,
          userMessage ? { userMessage } : {},
        );
      }
    });
    child.on('error', (error) => {
      failure ??= new SimulationError(
        'RENDER_WORKER_FAILED',
        `The render worker could not start: ${error.message}`,
        {
          cause: error,
        },
      );
    });
    // Settle only once the worker is gone: its X connection must be closed before Xvfb stops.
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (result && !failure) return resolve({ result, startupMs: startupMs ?? 0 });
      if (physicsFailure && !options.signal?.aborted) return reject(physicsFailure);
      if (options.signal?.aborted)
        return reject(
          new SimulationError('SIMULATION_CANCELED', 'The simulation was canceled', {
            userMessage: 'The simulation was canceled.',
          }),
        );
      reject(
        failure ??
          new SimulationError(
            'RENDER_WORKER_CRASHED',
            `The render worker exited with ${signal ?? code} before finishing: ${stderr.trim().slice(-1500) || 'no output'}`,
          ),
      );
    });
    child.send({ type: 'run', job } satisfies WorkerRequest);
    physics().then(
      (trajectory) => {
        if (child.connected) child.send({ type: 'trajectory', trajectory } satisfies WorkerRequest);
      },
      (error: unknown) => {
        physicsFailure = error;
        if (child.connected) child.send({ type: 'cancel' } satisfies WorkerRequest);
      },
    );
  });
}
