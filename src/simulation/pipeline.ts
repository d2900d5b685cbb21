import { canceled } from './canceled.js';
import { type CpuTime, cpuTime } from './cpu-time.js';
import { createEncoder, type EncoderSettings, type Spawner } from './encoder.js';
import { createFrameBuffers, type FrameBuffers } from './frame-buffers.js';
import { type TrajectoryStream, wholeTrajectory } from './physics/stream.js';
import { frameCount } from './physics/trajectory.js';
import type { RenderQuality } from './renderer/index.js';
import { createRenderer } from './renderer/index.js';
import { createShadowFit } from './renderer/shadow-fit.js';
import type { Scene } from './scene/schema.js';
import type { EncoderStarter } from './spare-encoder.js';

/**
 * Where a simulation is: the physics of its first second, then drawing frames (while the physics
 * goes on), then ffmpeg finishing the file.
 */
export interface SimulationProgress {
  stage: 'simulate' | 'render' | 'encode';
  frame: number;
  totalFrames: number;
}

/** Milliseconds spent in each part of one simulation. */
export interface SimulationTimings {
  /** GL context, shaders, buffers and the ffmpeg process. */
  setupMs: number;
  /** Waiting for the physics: for its first second before the first frame, then for any frame drawn before it was simulated. */
  simulateMs: number;
  /**
   * Drawing: issuing draw calls, and waiting for the rasteriser wherever a pass reads what the
   * pass before drew (the shadow map, the frame that edge smoothing reads).
   */
  renderMs: number;
  /** readPixels: waiting for the last pass to finish, then copying the frame out. */
  readbackMs: number;
  /** Waiting for ffmpeg: a full pipe while frames are drawn, then the end of the file. */
  encodeWaitMs: number;
  totalMs: number;
  /**
   * CPU used meanwhile: by the process that ran the pipeline (drawing, reading back, feeding ffmpeg,
   * and the physics when it ran here), and by ffmpeg. `encoderCpuMs` is missing without /proc.
   */
  cpuMs: number;
  encoderCpuMs?: number;
}

/** What a finished simulation produced. */
export interface SimulationResult {
  frames: number;
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  quality: RenderQuality;
  timings: SimulationTimings;
}

/** Everything the pipeline needs, plain data so that it can cross to the render worker. */
export interface SimulationJob {
  scene: Scene;
  outFile: string;
  quality?: Partial<RenderQuality>;
  encoder?: Partial<EncoderSettings>;
  ffmpegPath?: string;
}

/** Frames in flight: one being drawn, the rest on their way into ffmpeg's pipe. */
const framesInFlight = 3;

/**
 * Simulates, renders and encodes `job.scene` in this process. Each frame is drawn as soon as the
 * physics has it (and the second after it, where the shadow map is fitted: see shadow-fit.ts), so
 * drawing overlaps the physics; drawing frame n+1 overlaps ffmpeg encoding frame n in its own
 * process; a small pool of frame buffers bounds memory. Needs a live X display (see
 * render-on-worker.ts, which runs this in a worker).
 */
export async function runPipeline(
  job: SimulationJob,
  options: {
    onProgress?: (progress: SimulationProgress) => void;
    signal?: AbortSignal;
    spawn?: Spawner;
    /**
     * The physics, already started: streamed by the render worker's physics thread, or a whole
     * trajectory computed elsewhere (render-on-worker.ts). Simulated here, all at once, when absent.
     */
    trajectory?: TrajectoryStream & { stop?(): void };
    /** Where frame buffers come from and go back to; a new set for this video when absent. */
    frameBuffers?: FrameBuffers;
    /** Starts the encoder: the render worker's takes a spare ffmpeg started ahead (spare-encoder.ts). */
    startEncoder?: EncoderStarter;
  } = {},
): Promise<SimulationResult> {
  const { scene } = job;
  const { signal, onProgress } = options;
  const started = performance.now();
  const cpuAtStart = cpuTime();
  const totalFrames = frameCount(scene);
  const stream =
    options.trajectory ??
    wholeTrajectory(
      { frames: totalFrames, bodies: scene.objects.length },
      import('./physics/simulate.js').then(({ simulate }) =>
        simulate(scene, {
          signal,
          onFrame: (frame, totalFrames) => onProgress?.({ stage: 'simulate', frame, totalFrames }),
        }),
      ),
    );
  let renderer: ReturnType<typeof createRenderer>;
  try {
    // GL and ffmpeg start while the physics runs elsewhere: they need only the scene.
    renderer = createRenderer(scene, job.quality);
  } catch (error) {
    options.trajectory?.stop?.();
    throw error;
  }
  const { width, height } = renderer;
  const request = {
    video: { width, height, fps: scene.fps },
    settings: job.encoder,
    ffmpegPath: job.ffmpegPath,
  };
  const encoder = options.startEncoder
    ? options.startEncoder(request, job.outFile)
    : createEncoder(request.video, job.outFile, { ...request, spawn: options.spawn });
  const onAbort = () => encoder.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const setUp = performance.now();
  const shadows = createShadowFit(scene, totalFrames, (frame) => stream.frame(frame));

  let simulateMs = 0;
  let firstFrame = true;
  /** Waits, if it must, until the physics has `count` frames; before the first frame, says how far it is. */
  const physicsUntil = async (count: number) => {
    if (stream.ready() >= Math.min(count, totalFrames)) return;
    const t = performance.now();
    await stream.waitFor(count, (ready) => {
      if (firstFrame) onProgress?.({ stage: 'simulate', frame: ready, totalFrames });
    });
    simulateMs += performance.now() - t;
  };

  const frameBuffers = options.frameBuffers ?? createFrameBuffers();
  const free = frameBuffers.take(width * height * 4, framesInFlight);
  let waitForFree: (() => void) | undefined;
  let renderMs = 0;
  let readbackMs = 0;
  let encodeWaitMs = 0;
  let writing: Promise<void> | undefined;
  try {
    for (let frame = 0; frame < totalFrames; frame++) {
      signal?.throwIfAborted();
      await physicsUntil(frame + 1);
      await physicsUntil(shadows.framesNeeded(frame));
      if (firstFrame)
        onProgress?.({ stage: 'simulate', frame: Math.min(stream.ready(), totalFrames), totalFrames });
      firstFrame = false;
      let t = performance.now();
      const fit = shadows.at(frame);
      if (fit.changed) renderer.fitShadows(fit.bounds);
      // Drawing ends by handing the passes to the rasteriser's threads without waiting for them:
      // a wait for ffmpeg to free a frame buffer then overlaps the last pass, not the readback.
      renderer.draw(frame, stream.frame(frame));
      const drawn = performance.now();
      renderMs += drawn - t;

      t = performance.now();
      await writing;
      if (free.length === 0) await new Promise<void>((resolve) => (waitForFree = resolve));
      const buffer = free.pop()!;
      encodeWaitMs += performance.now() - t;

      t = performance.now();
      renderer.read(buffer);
      const read = performance.now();
      readbackMs += read - t;

      // Its backpressure is awaited after the next frame is drawn, as the free buffers are.
      writing = encoder.write(buffer, () => {
        free.push(buffer);
        waitForFree?.();
        waitForFree = undefined;
      });
      // Awaited next time round; a failure meanwhile (a cancel) is no unhandled rejection.
      writing.catch(() => {});
      onProgress?.({ stage: 'render', frame: frame + 1, totalFrames });
    }
    const t = performance.now();
    await writing;
    onProgress?.({ stage: 'encode', frame: totalFrames, totalFrames });
    await encoder.finish();
    encodeWaitMs += performance.now() - t;
  } catch (error) {
    encoder.abort();
    throw signal?.aborted ? canceled(error) : error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    options.trajectory?.stop?.();
    renderer.dispose();
    // Only those back from ffmpeg's pipe: one still being written after a failure is left alone.
    frameBuffers.give(free.splice(0));
  }

  return {
    frames: totalFrames,
    width,
    height,
    fps: scene.fps,
    durationSeconds: totalFrames / scene.fps,
    quality: renderer.quality,
    timings: {
      setupMs: setUp - started,
      simulateMs,
      renderMs,
      readbackMs,
      encodeWaitMs,
      totalMs: performance.now() - started,
      ...cpuSince(cpuAtStart),
    },
  };
}

/** The CPU this process and its finished children have used since `start`. */
function cpuSince(start: CpuTime): Pick<SimulationTimings, 'cpuMs' | 'encoderCpuMs'> {
  const now = cpuTime();
  const encoderCpuMs =
    now.childrenMs !== undefined && start.childrenMs !== undefined
      ? now.childrenMs - start.childrenMs
      : undefined;
  return { cpuMs: now.selfMs - start.selfMs, ...(encoderCpuMs === undefined ? {} : { encoderCpuMs }) };
}
