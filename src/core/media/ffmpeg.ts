import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MediaError } from '../errors.js';
import { playableMp4OutputArgs } from './playable-mp4.js';
import { type CommandRunner, sharedSpawner } from './spawner.js';

/** Which binaries to run, and how; the system's `ffmpeg` and `ffprobe` through the shared spawner by default. */
export interface FfmpegOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Starts the programs; {@link sharedSpawner} by default, so that reelbot itself never forks. */
  runner?: CommandRunner;
  /** Aborting kills the running ffmpeg or ffprobe. */
  signal?: AbortSignal;
}

/** What ffprobe says about a video. */
export interface VideoProbe {
  bytes: number;
  /** Container names as ffprobe lists them, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  format?: string;
  durationSeconds?: number;
  width?: number;
  height?: number;
  /** Video codec, e.g. `h264`. */
  codec?: string;
  pixelFormat?: string;
  frameRate?: number;
  hasAudio: boolean;
}

/** The part of `ffprobe -print_format json -show_streams -show_format` that is read here. */
interface FfprobeJson {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
  }[];
  format?: { format_name?: string; duration?: string };
}

/** The last lines of what ffmpeg printed, as an error's cause: the reason is at the end. */
function stderrTail(stderr: string): Error {
  return new Error(stderr.trim().slice(-2000));
}

/**
 * Runs ffmpeg writing `out` (overwritten); `-nostdin` because ffmpeg otherwise reads keys from its
 * standard input. Throws `MEDIA_FFMPEG_FAILED` with the end of its stderr when it fails.
 */
export async function runFfmpeg(
  args: string[],
  out: string,
  what: string,
  options: FfmpegOptions,
): Promise<void> {
  const runner = options.runner ?? sharedSpawner();
  const result = await runner.run(
    options.ffmpegPath ?? 'ffmpeg',
    ['-hide_banner', '-nostdin', '-y', ...args, out],
    { signal: options.signal },
  );
  if (result.code !== 0)
    throw new MediaError(
      'MEDIA_FFMPEG_FAILED',
      `ffmpeg could not ${what}: ffmpeg exited with code ${result.code}`,
      {
        cause: stderrTail(result.stderr),
        userMessage: 'reelbot could not process the video.',
      },
    );
}

function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [num, den] = rate.split('/').map(Number);
  if (!num || !Number.isFinite(num)) return undefined;
  const value = den ? num / den : num;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Reads duration, size and codec of a video (or image) with ffprobe. */
export async function probe(file: string, options: FfmpegOptions = {}): Promise<VideoProbe> {
  const unreadable = (cause: unknown) =>
    new MediaError('MEDIA_UNREADABLE', `ffprobe cannot read ${path.basename(file)}`, {
      cause,
      userMessage: 'The video file is damaged or in a format reelbot cannot read.',
    });
  const runner = options.runner ?? sharedSpawner();
  const result = await runner.run(
    options.ffprobePath ?? 'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file],
    { signal: options.signal, captureStdout: true },
  );
  if (result.code !== 0) throw unreadable(stderrTail(result.stderr));
  let data: FfprobeJson;
  try {
    data = JSON.parse(result.stdout) as FfprobeJson;
  } catch (error) {
    throw unreadable(error);
  }
  const streams = data.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video)
    throw new MediaError('MEDIA_NO_VIDEO', `${path.basename(file)} has no video stream`, {
      userMessage: 'The file has no video in it.',
    });
  const duration = Number(data.format?.duration ?? video.duration);
  return {
    bytes: (await fs.promises.stat(file)).size,
    format: data.format?.format_name,
    durationSeconds: Number.isFinite(duration) && duration > 0 ? duration : undefined,
    width: video.width,
    height: video.height,
    codec: video.codec_name,
    pixelFormat: video.pix_fmt,
    frameRate: parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate),
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}

/**
 * Writes a poster JPEG (one frame, a third of the way in, at most 1 s, at most 720 px wide).
 * Writes to a work file first and renames, so a half-written poster is never visible.
 */
export async function makePoster(
  input: string,
  out: string,
  options: FfmpegOptions & { durationSeconds?: number } = {},
): Promise<void> {
  const at = options.durationSeconds ? Math.min(1, options.durationSeconds / 3) : 0;
  const temp = `${out}.${randomBytes(4).toString('hex')}.jpg`;
  try {
    await runFfmpeg(
      [
        // One thread: a poster is one frame, and posters run side by side.
        ...['-ss', String(at), '-threads', '1', '-i', input],
        ...['-an', '-threads', '1', '-filter_threads', '1', '-q:v', '3', '-update', '1'],
        ...['-vf', "scale='min(720,iw)':-2", '-frames:v', '1', '-f', 'image2'],
      ],
      temp,
      'make a poster',
      options,
    );
    await fs.promises.rename(temp, out);
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
}

/** The result of {@link fitToSize}. */
export interface FitResult {
  path: string;
  bytes: number;
  width?: number;
  height?: number;
  /** False when the input already fit and was only copied (re-muxed with +faststart). */
  reencoded: boolean;
  /** The video bitrate of the last encode, in kbit/s. */
  videoKbps?: number;
  /** Encodes run: 1, or 2 when the first overshot. */
  passes: number;
}

export interface FitOptions extends FfmpegOptions {
  /** Smallest height worth sending; below it the video cannot fit. Default 144. */
  minHeight?: number;
  /** Lowest video bitrate worth sending, in kbit/s. Default 60. */
  minVideoKbps?: number;
  /** x264 preset; slower is better per byte. Default `veryfast`. */
  preset?: string;
  /** Encodes allowed in all. Default 3. */
  maxPasses?: number;
}

const audioKbps = 64;
// Enough bits per pixel per frame for H.264 to look decent; below it a smaller frame looks better.
const targetBitsPerPixel = 0.07;

function isPlayableEverywhere(info: VideoProbe): boolean {
  return info.codec === 'h264' && info.pixelFormat === 'yuv420p' && /mp4/.test(info.format ?? '');
}

/** Picks the height that gives each pixel enough bits, never above the source, always even. */
function chooseHeight(info: VideoProbe, videoBps: number, minHeight: number): number {
  const width = info.width ?? 1280;
  const height = info.height ?? 720;
  const fps = info.frameRate ?? 24;
  const aspect = width / height;
  const fitting = Math.sqrt(videoBps / (targetBitsPerPixel * fps * aspect));
  const chosen = Math.max(minHeight, Math.min(height, Math.floor(fitting)));
  return chosen - (chosen % 2);
}

/**
 * Makes a copy of `input` at `out` that is at most `limitBytes`, playable everywhere (H.264,
 * yuv420p, `+faststart`), at the best quality that fits: the bitrate follows from the duration, the
 * frame is scaled down when the bitrate is too thin for it, and a second encode at a lower bitrate
 * runs when the first overshoots. Throws `MediaError` (`MEDIA_CANNOT_FIT`) when it cannot fit.
 */
export async function fitToSize(
  input: string,
  limitBytes: number,
  out: string,
  options: FitOptions = {},
): Promise<FitResult> {
  const info = await probe(input, options);
  const work = `${out}.${randomBytes(4).toString('hex')}.part.mp4`;
  try {
    if (info.bytes <= limitBytes && isPlayableEverywhere(info)) {
      await runFfmpeg(
        ['-i', input, '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4'],
        work,
        'copy',
        options,
      );
      const bytes = (await fs.promises.stat(work)).size;
      if (bytes <= limitBytes) {
        await fs.promises.rename(work, out);
        return { path: out, bytes, width: info.width, height: info.height, reencoded: false, passes: 0 };
      }
    }
    const duration = info.durationSeconds;
    if (!duration) throw cannotFit(limitBytes, 'its duration is unknown');
    const minHeight = options.minHeight ?? 144;
    const minKbps = options.minVideoKbps ?? 60;
    const maxPasses = options.maxPasses ?? 3;
    const audio = info.hasAudio ? audioKbps * 1000 : 0;
    // Keep 4% and a few kilobytes for the container (moov, headers).
    let budgetBits = (limitBytes - 8 * 1024) * 8 * 0.96;
    for (let pass = 1; pass <= maxPasses; pass++) {
      const videoBps = budgetBits / duration - audio;
      if (videoBps < minKbps * 1000) throw cannotFit(limitBytes, `${Math.round(duration)} s need more room`);
      const height = chooseHeight(info, videoBps, minHeight);
      const kbps = Math.floor(videoBps / 1000);
      const args = [
        ...['-i', input, '-c:v', 'libx264', '-vf', `scale=-2:${height}`],
        ...['-preset', options.preset ?? 'veryfast', '-b:v', `${kbps}k`],
        ...['-maxrate', `${Math.floor(kbps * 1.5)}k`, '-bufsize', `${kbps * 2}k`],
        ...(info.hasAudio ? ['-c:a', 'aac', '-b:a', `${audioKbps}k`] : ['-an']),
        ...playableMp4OutputArgs,
      ];
      await runFfmpeg(args, work, 'fit the video to a size', options);
      const bytes = (await fs.promises.stat(work)).size;
      if (bytes <= limitBytes) {
        await fs.promises.rename(work, out);
        const width = Math.round(((info.width ?? 0) / (info.height ?? 1)) * height);
        return {
          path: out,
          bytes,
          width: width - (width % 2),
          height,
          reencoded: true,
          videoKbps: kbps,
          passes: pass,
        };
      }
      // Overshot: aim lower by the ratio we missed by, and a margin.
      budgetBits *= (limitBytes / bytes) * 0.92;
    }
    throw cannotFit(limitBytes, `still too large after ${maxPasses} encodes`);
  } finally {
    await fs.promises.rm(work, { force: true });
  }
}

function cannotFit(limitBytes: number, why: string): MediaError {
  const mb = (limitBytes / (1024 * 1024)).toFixed(1);
  return new MediaError('MEDIA_CANNOT_FIT', `The video cannot be made to fit ${limitBytes} bytes: ${why}`, {
    userMessage: `The video is too long to fit the ${mb} MB upload limit here; open it in the gallery instead.`,
  });
}
