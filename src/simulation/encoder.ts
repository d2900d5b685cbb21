import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { SimulationError } from '../core/errors.js';
import { playableMp4OutputArgs } from '../core/media/playable-mp4.js';

/** How frames become a video. */
export interface EncoderSettings {
  /** libx264 preset: `veryfast` is where the encode keeps pace with the renderer on two cores. */
  preset: string;
  /** Constant rate factor: 0 lossless .. 51 worst; 20 is visually clean for flat-shaded scenes. */
  crf: number;
  /** x264 `-tune`, e.g. `animation` for flat colours; none by default. */
  tune?: string;
  /** `mp4` for H.264; `rgba` writes the raw frames unchanged (benchmarks, debugging). */
  format: 'mp4' | 'rgba';
}

export const defaultEncoderSettings = {
  preset: 'veryfast',
  crf: 20,
  format: 'mp4',
} satisfies EncoderSettings;

/**
 * How much less ffmpeg weighs with the scheduler than the drawing (nice 5: about a third of its
 * share). A video waits on the drawing frame after frame, with a sync at each pass, while x264 holds
 * a queue of frames (its lookahead) and loses nothing by encoding them in whatever CPU the drawing
 * leaves. At equal weight its threads took the cores at the drawing's sync points. Warm 720p bench
 * video on two cores, interleaved runs: 1.83 s median at nice 5 against 1.94 s at 0 (ratio to the
 * floor 2.00x against 2.13x); nice 3, 10 and 19 did about as well as 5. Alone on a machine, as the
 * floor is, it changes nothing.
 */
export const encoderNiceness = 5;

/** A running encoder that takes RGBA frames, top row first. */
export interface FrameEncoder {
  /**
   * Queues one frame. Resolves once ffmpeg can take more (backpressure); `frame` must stay unchanged
   * until `released` is called, since it is written without a copy.
   */
  write(frame: Uint8Array, released: () => void): Promise<void>;
  /** Closes the input and waits for ffmpeg to finish the file. */
  finish(): Promise<void>;
  /** Stops ffmpeg at once; the output is incomplete. */
  abort(): void;
  /** False once ffmpeg has exited or failed to start: it can take no frames. */
  readonly running: boolean;
}

/** Starts a process; `child_process.spawn` by default, a fake in tests. */
export type Spawner = (
  command: string,
  args: string[],
  options: { stdio: ['pipe', 'ignore', 'pipe'] },
) => ChildProcess;

/** The ffmpeg arguments that turn raw RGBA on stdin into `outFile`. */
export function ffmpegArguments(
  video: { width: number; height: number; fps: number },
  settings: EncoderSettings,
  outFile: string,
): string[] {
  const input = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-s',
    `${video.width}x${video.height}`,
    '-framerate',
    String(video.fps),
    '-i',
    'pipe:0',
  ];
  if (settings.format === 'rgba') return [...input, '-c:v', 'copy', '-f', 'rawvideo', '-y', outFile];
  return [
    ...input,
    '-c:v',
    'libx264',
    '-preset',
    settings.preset,
    ...(settings.tune ? ['-tune', settings.tune] : []),
    '-crf',
    String(settings.crf),
    ...playableMp4OutputArgs,
    '-y',
    outFile,
  ];
}

/**
 * Starts ffmpeg reading raw frames from a pipe. Frames are written without copies and the caller
 * waits whenever the pipe is full, so memory holds a few frames at most, never the whole video.
 */
export function createEncoder(
  video: { width: number; height: number; fps: number },
  outFile: string,
  options: { settings?: Partial<EncoderSettings>; ffmpegPath?: string; spawn?: Spawner } = {},
): FrameEncoder {
  const settings: EncoderSettings = { ...defaultEncoderSettings, ...options.settings };
  const spawn = options.spawn ?? (nodeSpawn as Spawner);
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const child = spawn(ffmpeg, ffmpegArguments(video, settings, outFile), {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  // Before its first frame, when x264 starts its threads: they take their niceness from this one.
  if (child.pid !== undefined) {
    try {
      os.setPriority(child.pid, encoderNiceness);
    } catch {
      // Gone already (its exit says why), or not ours to change: it encodes at normal priority.
    }
  }
  const stdin = child.stdin!;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  let failure: SimulationError | undefined;
  let ended = false;
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      failure =
        error.code === 'ENOENT'
          ? new SimulationError(
              'SIMULATION_FFMPEG_MISSING',
              `${ffmpeg} is not installed: install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg)`,
              { cause: error, userMessage: 'Video encoding is not available on this server.' },
            )
          : new SimulationError('SIMULATION_ENCODE_FAILED', `ffmpeg could not start: ${error.message}`, {
              cause: error,
            });
      ended = true;
      resolve();
    });
    child.on('close', (code, signal) => {
      if (code !== 0 && !failure)
        failure = new SimulationError(
          'SIMULATION_ENCODE_FAILED',
          `ffmpeg exited with ${signal ?? code}: ${stderr.trim() || 'no message'}`,
          { userMessage: 'The video could not be encoded.' },
        );
      ended = true;
      resolve();
    });
  });
  // A dead ffmpeg shows up as EPIPE here; the exit handler above reports why it died.
  stdin.on('error', () => {});

  return {
    async write(frame, released) {
      if (failure) throw failure;
      const fits = stdin.write(frame, () => released());
      // A broken pipe (EPIPE) only means ffmpeg died: wait for its exit, which says why.
      if (!fits) await Promise.race([once(stdin, 'drain').catch(() => exited), exited]);
      if (failure) throw failure;
    },
    async finish() {
      stdin.end();
      await exited;
      if (failure) throw failure;
    },
    abort() {
      failure ??= new SimulationError('SIMULATION_ENCODE_ABORTED', 'The encoder was stopped', {
        userMessage: 'The simulation was canceled.',
      });
      stdin.destroy();
      child.kill('SIGKILL');
    },
    get running() {
      return !ended && !failure;
    },
  };
}
