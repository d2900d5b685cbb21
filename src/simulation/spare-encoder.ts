import fs from 'node:fs';
import path from 'node:path';
import { createEncoder, defaultEncoderSettings, type EncoderSettings, type FrameEncoder } from './encoder.js';

/** The video and encoder a job asks for: a spare serves only a job that asks for the same. */
export interface EncoderRequest {
  video: { width: number; height: number; fps: number };
  settings?: Partial<EncoderSettings>;
  ffmpegPath?: string;
}

/** Starts the encoder of one video; `createEncoder` when there is no spare. */
export type EncoderStarter = (request: EncoderRequest, outFile: string) => FrameEncoder;

/** The warm render worker's spare ffmpeg, started ahead of the next video. */
export interface SpareEncoder {
  /** The spare, when it was started for the same request (then renamed to `outFile` once finished); a new ffmpeg otherwise. */
  start: EncoderStarter;
  /** Starts a spare for `request`, replacing one started for anything else. */
  prepare(request: EncoderRequest): void;
  /** Kills the spare and deletes its file, synchronously: exit handlers call it. */
  discard(): void;
}

interface Spare {
  key: string;
  encoder: FrameEncoder;
  file: string;
}

/**
 * Keeps one ffmpeg started ahead of the next video, writing to a file in `dir`. A new ffmpeg costs
 * about 0.1 CPU-s (dynamic linking, page faults), and at a video's start it competes with the physics
 * of the first second, the ground and frame 0 for the same two cores; started while the worker waits
 * between videos, it costs the next one nothing. Most jobs ask for what the one before did, so the
 * spare is started with the last request's settings and thrown away if the next differs.
 */
export function createSpareEncoder(dir: string): SpareEncoder {
  let spare: Spare | undefined;
  let count = 0;

  const discard = () => {
    if (!spare) return;
    spare.encoder.abort();
    fs.rmSync(spare.file, { force: true });
    spare = undefined;
  };

  return {
    start(request, outFile) {
      const key = requestKey(request);
      // A spare that died while it waited (killed for memory, say) must not fail the job: start anew.
      if (spare?.key !== key || !spare.encoder.running) {
        discard();
        return createEncoder(request.video, outFile, request);
      }
      const { encoder, file } = spare;
      spare = undefined;
      return {
        write: (frame, released) => encoder.write(frame, released),
        async finish() {
          try {
            await encoder.finish();
            await moveFile(file, outFile);
          } finally {
            await fs.promises.rm(file, { force: true });
          }
        },
        abort() {
          encoder.abort();
          fs.rmSync(file, { force: true });
        },
        get running() {
          return encoder.running;
        },
      };
    },
    prepare(request) {
      const key = requestKey(request);
      if (spare?.key === key) return;
      discard();
      const file = path.join(dir, `spare-${process.pid}-${++count}.tmp`);
      // The arguments name the container (-f), so the file's name needs no extension.
      const encoder = createEncoder(request.video, file, request);
      spare = { key, encoder, file };
    },
    discard,
  };
}

function requestKey({ video, settings, ffmpegPath }: EncoderRequest): string {
  const all: Record<string, unknown> = { ...defaultEncoderSettings, ...settings };
  const sorted = Object.keys(all)
    .sort()
    .map((name) => [name, all[name]]);
  return JSON.stringify([video.width, video.height, video.fps, sorted, ffmpegPath ?? 'ffmpeg']);
}

/** Renames, or copies where `to` is on another file system. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.promises.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.promises.copyFile(from, to);
  }
}
