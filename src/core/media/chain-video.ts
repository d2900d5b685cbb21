import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MediaError } from '../errors.js';
import { type FfmpegOptions, probe, runFfmpeg, type VideoProbe } from './ffmpeg.js';
import { playableMp4OutputArgs } from './playable-mp4.js';

/*
 * The two ffmpeg steps of a chain of extends: the exact last frame of a clip (the next part starts
 * from it), and the parts joined into one video.
 */

/**
 * Writes the last decoded frame of `input` as a PNG at `out` (lossless, so the next part starts
 * from exactly that picture). `-sseof` seeks a few seconds before the end (to the keyframe before
 * it), every frame from there is decoded, and `-update 1` keeps overwriting the one image, so what
 * remains is the last frame: a seek to "the last frame" itself would land on a keyframe instead.
 */
export async function extractLastFrame(
  input: string,
  out: string,
  options: FfmpegOptions = {},
): Promise<void> {
  const temp = `${out}.${randomBytes(4).toString('hex')}.png`;
  try {
    await runFfmpeg(
      ['-sseof', '-3', '-i', input, '-an', '-update', '1', '-f', 'image2', '-c:v', 'png'],
      temp,
      'take the last frame',
      options,
    );
    if (!fs.existsSync(temp) || (await fs.promises.stat(temp)).size === 0)
      throw new MediaError('MEDIA_NO_FRAME', `no frame decoded from ${path.basename(input)}`, {
        userMessage: 'reelbot could not read the last frame of that video.',
      });
    await fs.promises.rename(temp, out);
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
}

/** How {@link concatVideos} joined the parts. */
export interface ConcatResult {
  /** `copy`: the concat demuxer copied the streams; `reencode`: they differed, so H.264 again. */
  method: 'copy' | 'reencode';
  probe: VideoProbe;
}

/** Same codec, frame size, pixel format, frame rate and audio: the streams can be copied end to end. */
function streamsMatch(probes: VideoProbe[]): boolean {
  const [first] = probes;
  if (!first) return false;
  return probes.every(
    (p) =>
      p.codec === first.codec &&
      p.width === first.width &&
      p.height === first.height &&
      p.pixelFormat === first.pixelFormat &&
      p.hasAudio === first.hasAudio &&
      Math.abs((p.frameRate ?? 0) - (first.frameRate ?? 0)) < 0.01,
  );
}

/** A concat demuxer list; single quotes in a path are closed, escaped and reopened. */
function concatList(inputs: string[]): string {
  return inputs.map((file) => `file '${path.resolve(file).replaceAll("'", "'\\''")}'\n`).join('');
}

/**
 * Joins `inputs` in order into one MP4 at `out`. When their streams match, the concat demuxer
 * copies them (`-c copy`: no quality lost, no CPU spent); otherwise every part is scaled and padded
 * to the first one's frame, set to its frame rate and encoded again as H.264. Audio is kept only
 * when every part has some, since the concat filter needs the same streams from each.
 */
export async function concatVideos(
  inputs: string[],
  out: string,
  options: FfmpegOptions & { preset?: string } = {},
): Promise<ConcatResult> {
  if (inputs.length === 0) throw new MediaError('MEDIA_NOTHING_TO_JOIN', 'no videos to join');
  const probes = await Promise.all(inputs.map((file) => probe(file, options)));
  const temp = `${out}.${randomBytes(4).toString('hex')}.part.mp4`;
  const list = `${out}.${randomBytes(4).toString('hex')}.txt`;
  try {
    let method: ConcatResult['method'] = 'copy';
    if (streamsMatch(probes) && probes[0]!.codec === 'h264') {
      await fs.promises.writeFile(list, concatList(inputs));
      await runFfmpeg(
        ['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4'],
        temp,
        'join the videos',
        options,
      );
    } else {
      method = 'reencode';
      const first = probes[0]!;
      // Even sizes: 4:2:0 H.264 needs them.
      const width = (first.width ?? 1280) - ((first.width ?? 1280) % 2);
      const height = (first.height ?? 720) - ((first.height ?? 720) % 2);
      const fps = first.frameRate ?? 24;
      const audio = probes.every((p) => p.hasAudio);
      const scaled = inputs.map(
        (_, i) =>
          `[${i}:v]scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
          `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p[v${i}]`,
      );
      const pads = inputs.map((_, i) => (audio ? `[v${i}][${i}:a]` : `[v${i}]`)).join('');
      const graph = `${scaled.join(';')};${pads}concat=n=${inputs.length}:v=1:a=${audio ? 1 : 0}${audio ? '[v][a]' : '[v]'}`;
      await runFfmpeg(
        [
          ...inputs.flatMap((file) => ['-i', file]),
          ...['-filter_complex', graph, '-map', '[v]'],
          ...(audio ? ['-map', '[a]', '-c:a', 'aac', '-b:a', '128k'] : ['-an']),
          ...['-c:v', 'libx264', '-preset', options.preset ?? 'veryfast', '-crf', '20'],
          ...playableMp4OutputArgs,
        ],
        temp,
        'join the videos',
        options,
      );
    }
    await fs.promises.rename(temp, out);
    return { method, probe: await probe(out, options) };
  } finally {
    await fs.promises.rm(temp, { force: true });
    await fs.promises.rm(list, { force: true });
  }
}
