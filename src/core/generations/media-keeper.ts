import fs from 'node:fs';
import path from 'node:path';
import { MediaError } from '../errors.js';
import { makePoster, probe, type VideoProbe } from '../media/ffmpeg.js';
import { readMp4Header } from '../media/mp4-header.js';
import { createWorkLimit } from '../media/work-limit.js';
import { joinChain } from './chain-join.js';
import type { LifecycleContext } from './context.js';
import type { GenerationPatch } from './generation-store.js';
import type { GenerationStatus, StoredMedia } from './types.js';

/** A finished, verified file in the storage's temp directory. */
export interface FinishedFile {
  tempPath: string;
  /** `mp4`, `webm`, `png`... */
  ext: string;
  mime: string;
  bytes: number;
  sha256: string;
}

/** Turns a finished file into the stored result of a generation. */
export interface MediaKeeper {
  /**
   * Probes the file (a file that does not play is never kept), makes a poster for videos, moves
   * both into storage as `media/<id>.<ext>` and `media/<id>.poster.jpg`, and marks the generation
   * succeeded if it is still in one of `from` (then emits `succeeded`). Returns the media, or
   * undefined when the generation moved on meanwhile (canceled): then nothing is kept. Temp files
   * are gone afterwards either way; throws `MediaError` when the file is unreadable.
   */
  keep(
    generationId: string,
    file: FinishedFile,
    options: {
      image?: boolean;
      from: readonly GenerationStatus[];
      patch?: GenerationPatch;
      signal?: AbortSignal;
      /**
       * Asked right before the file is moved into place: false when another worker took the job
       * over meanwhile, and then nothing is kept here.
       */
      stillOurs?: () => Promise<boolean>;
      /** Runs once the result is recorded, before subscribers hear of it (e.g. to release a claim). */
      onKept?: () => Promise<unknown>;
    },
  ): Promise<StoredMedia | undefined>;
}

export function createMediaKeeper(ctx: LifecycleContext): MediaKeeper {
  // ffprobe and ffmpeg are CPU-bound child processes: more at once than cores only adds waiting.
  const ffmpegSlots = createWorkLimit();

  /** ffprobe's verdict, as a MediaError naming the generation when the file does not read. */
  async function probed(
    tempPath: string,
    id: string,
    ext: string,
    signal?: AbortSignal,
  ): Promise<VideoProbe> {
    try {
      return await probe(tempPath, { signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new MediaError('MEDIA_UNREADABLE', `Result of ${id} is not a readable ${ext}`, {
        cause: error,
        userMessage: 'The video came back damaged, so nothing was saved.',
      });
    }
  }

  async function inspect(tempPath: string, id: string, ext: string, image: boolean, signal?: AbortSignal) {
    // Most results are MP4: their header gives size and duration without a child process. ffprobe
    // still decides for anything else, and for an MP4 whose poster frame will not decode.
    const header = image ? undefined : await readMp4Header(tempPath).catch(() => undefined);
    const info: Pick<VideoProbe, 'width' | 'height' | 'durationSeconds'> =
      header ?? (await probed(tempPath, id, ext, signal));
    let posterTemp: string | undefined;
    if (!image) {
      posterTemp = path.join(ctx.storage.tempDir, `${id}.poster.jpg`);
      await makePoster(tempPath, posterTemp, { durationSeconds: info.durationSeconds, signal }).catch(
        async (error) => {
          if (signal?.aborted) throw error;
          ctx.logger.child({ generationId: id }).warn({ err: error }, 'no poster');
          posterTemp = undefined;
          if (header) await probed(tempPath, id, ext, signal);
        },
      );
    }
    return { info, posterTemp };
  }

  return {
    async keep(generationId, file, options) {
      const image = options.image ?? false;
      let posterTemp: string | undefined;
      // Committed work files are gone: removing them again is only two more system calls.
      const committed: string[] = [];
      try {
        const inspected = await ffmpegSlots.run(() =>
          inspect(file.tempPath, generationId, file.ext, image, options.signal),
        );
        posterTemp = inspected.posterTemp;
        options.signal?.throwIfAborted();
        if (options.stillOurs && !(await options.stillOurs())) return undefined;
        const key = `media/${generationId}.${file.ext}`;
        const posterKey = posterTemp ? `media/${generationId}.poster.jpg` : undefined;
        await ctx.storage.commit(file.tempPath, key);
        committed.push(file.tempPath);
        if (posterTemp && posterKey) {
          await ctx.storage.commit(posterTemp, posterKey);
          committed.push(posterTemp);
        }
        const media: StoredMedia = {
          path: key,
          sha256: file.sha256,
          bytes: file.bytes,
          mime: file.mime,
          width: inspected.info.width,
          height: inspected.info.height,
          durationSeconds: image ? undefined : inspected.info.durationSeconds,
          posterPath: posterKey,
        };
        const won = await ctx.store.transition(generationId, options.from, {
          ...options.patch,
          status: 'succeeded',
          media,
          progress: 100,
          completedAt: ctx.clock(),
        });
        if (!won) {
          // Canceled while we worked: keep nothing.
          await ctx.storage.remove(key);
          if (posterKey) await ctx.storage.remove(posterKey);
          return undefined;
        }
        await options.onKept?.();
        ctx.logger
          .child({ generationId })
          .info({ bytes: file.bytes, sha256: file.sha256, path: key }, 'result kept');
        const kept = (await ctx.store.get(generationId))!;
        // A part of a chain is posted with the chain joined: join before anyone hears it finished.
        if (kept.origin?.kind === 'extend' && !image) {
          const joined = await ffmpegSlots
            .run(() => joinChain(ctx, kept, { signal: options.signal }))
            .catch((error: unknown) => {
              ctx.logger
                .child({ generationId })
                .warn({ err: error }, 'could not join the chain; the part is kept');
              return undefined;
            });
          if (joined) kept.joinedMedia = joined;
        }
        ctx.emit({ type: 'succeeded', generation: kept, media });
        return media;
      } finally {
        for (const temp of [file.tempPath, posterTemp])
          if (temp && !committed.includes(temp)) await fs.promises.rm(temp, { force: true });
      }
    },
  };
}
