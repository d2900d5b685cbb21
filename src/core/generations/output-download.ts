import fs from 'node:fs';
import path from 'node:path';
import { codeOf, MediaError, userMessageOf } from '../errors.js';
import { downloadToTemp, imageTypes, videoTypes } from '../media/download.js';
import { makePoster, probe, type VideoProbe } from '../media/ffmpeg.js';
import { createHostAllowList } from '../media/host-allow-list.js';
import { createWorkLimit } from '../media/work-limit.js';
import type { LifecycleContext } from './context.js';
import { isImageUrl } from './outputs.js';
import { isFinal, type StoredMedia } from './types.js';

/** Downloads, checks and keeps the output of a succeeded prediction, once across workers. */
export interface OutputDownloader {
  /**
   * Makes sure the output of a generation gets downloaded: by this call, by one already running in
   * this process (the same promise), or by another worker holding the claim (then it watches the
   * store until that worker finishes or its claim goes stale). Never throws; failures are recorded.
   */
  ensure(generationId: string, signal?: AbortSignal): Promise<void>;
  /** Aborts a download in flight here (cancel); the claim is released. */
  abort(generationId: string): void;
  /** Aborts every download in flight here (shutdown) and waits until their claims are released. */
  abortAll(): Promise<void>;
}

export function createOutputDownloader(ctx: LifecycleContext): OutputDownloader {
  const allowList = createHostAllowList(ctx.download.allowedHosts);
  const inflight = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  const ffmpegSlots = createWorkLimit();

  function fail(generationId: string, error: unknown) {
    const log = ctx.logger.child({ generationId });
    const reason = userMessageOf(error);
    const won = ctx.store.transition(generationId, ['downloading', 'processing', 'starting'], {
      status: 'failed',
      error: reason,
      errorCode: codeOf(error),
      completedAt: ctx.clock(),
    });
    ctx.store.releaseDownload(generationId, ctx.workerId);
    log.error({ code: codeOf(error), err: error }, 'output could not be kept');
    const generation = ctx.store.get(generationId);
    if (won && generation) ctx.emit({ type: 'failed', generation, reason });
  }

  async function postProcess(tempPath: string, id: string, ext: string, image: boolean) {
    let info: VideoProbe | undefined;
    try {
      info = await probe(tempPath);
    } catch (error) {
      // The magic bytes looked right but the file does not play: never keep it as a success.
      throw new MediaError('MEDIA_UNREADABLE', `Output of ${id} is not a readable ${ext}`, {
        cause: error,
        userMessage: 'Replicate returned a damaged video, so nothing was saved.',
      });
    }
    let posterTemp: string | undefined;
    if (!image) {
      posterTemp = path.join(ctx.storage.tempDir, `${id}.poster.jpg`);
      await makePoster(tempPath, posterTemp, { durationSeconds: info.durationSeconds }).catch((error) => {
        ctx.logger.child({ generationId: id }).warn({ err: error }, 'no poster');
        posterTemp = undefined;
      });
    }
    return { info, posterTemp };
  }

  async function download(generationId: string, signal: AbortSignal): Promise<void> {
    const log = ctx.logger.child({ generationId });
    const url = ctx.store.internals(generationId)?.outputUrl;
    if (!url)
      return fail(
        generationId,
        new MediaError('MEDIA_NO_OUTPUT', 'prediction has no output URL', {
          userMessage: 'The model finished without producing a video.',
        }),
      );
    const generation = ctx.store.get(generationId);
    if (generation) ctx.emit({ type: 'downloading', generation });
    const image = isImageUrl(url);
    let tempPath: string | undefined;
    let posterTemp: string | undefined;
    try {
      const file = await downloadToTemp({
        url,
        tempDir: ctx.storage.tempDir,
        maxBytes: ctx.download.maxBytes,
        allowList,
        accept: image ? imageTypes : videoTypes,
        dispatcher: ctx.download.dispatcher,
        signal,
        retryDelaysMs: ctx.timings.downloadRetryDelaysMs,
        sleep: (ms) => ctx.sleep(ms, signal),
        idleTimeoutMs: ctx.timings.downloadIdleTimeoutMs,
        logger: log,
      });
      tempPath = file.tempPath;
      const processed = await ffmpegSlots.run(() =>
        postProcess(file.tempPath, generationId, file.ext, image),
      );
      posterTemp = processed.posterTemp;
      signal.throwIfAborted();
      const key = `media/${generationId}.${file.ext}`;
      const posterKey = posterTemp ? `media/${generationId}.poster.jpg` : undefined;
      await ctx.storage.commit(file.tempPath, key);
      if (posterTemp && posterKey) await ctx.storage.commit(posterTemp, posterKey);
      const media: StoredMedia = {
        path: key,
        sha256: file.sha256,
        bytes: file.bytes,
        mime: file.mime,
        width: processed.info.width,
        height: processed.info.height,
        durationSeconds: image ? undefined : processed.info.durationSeconds,
        posterPath: posterKey,
      };
      // The expiring Replicate URL goes with the success: from now on only our copy exists.
      const won = ctx.store.transition(generationId, ['downloading'], {
        status: 'succeeded',
        media,
        outputUrl: null,
        progress: 100,
        completedAt: ctx.clock(),
      });
      ctx.store.releaseDownload(generationId, ctx.workerId);
      if (!won) {
        // Canceled while we downloaded: keep nothing.
        await ctx.storage.remove(key);
        if (posterKey) await ctx.storage.remove(posterKey);
        return;
      }
      log.info({ bytes: file.bytes, sha256: file.sha256, path: key }, 'output kept');
      const done = ctx.store.get(generationId)!;
      ctx.emit({ type: 'succeeded', generation: done, media });
    } catch (error) {
      for (const file of [tempPath, posterTemp]) if (file) await fs.promises.rm(file, { force: true });
      if (signal.aborted) {
        // Shutdown or cancel: let the next worker (or the next start) take it.
        ctx.store.releaseDownload(generationId, ctx.workerId);
        log.info('download stopped');
        return;
      }
      fail(generationId, error);
    }
  }

  /** Another worker holds the claim: wait until it finishes, or its claim goes stale and is ours. */
  async function watch(generationId: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await ctx.sleep(ctx.timings.pollMaxMs, signal);
      const generation = ctx.store.get(generationId);
      if (!generation || signal.aborted) return;
      if (isFinal(generation.status)) {
        if (generation.status === 'succeeded' && generation.media)
          ctx.emit({ type: 'succeeded', generation, media: generation.media });
        else if (generation.status === 'failed')
          ctx.emit({ type: 'failed', generation, reason: generation.error ?? 'The generation failed.' });
        else ctx.emit({ type: 'canceled', generation });
        return;
      }
      if (ctx.store.claimDownload(generationId, ctx.workerId, ctx.timings.claimStaleAfterMs))
        return download(generationId, signal);
    }
  }

  return {
    ensure(generationId, outerSignal) {
      const existing = inflight.get(generationId);
      if (existing) {
        if (outerSignal?.aborted) existing.controller.abort(outerSignal.reason);
        outerSignal?.addEventListener('abort', () => existing.controller.abort(outerSignal.reason), {
          once: true,
        });
        return existing.promise;
      }
      if (outerSignal?.aborted) return Promise.resolve();
      const current = ctx.store.get(generationId);
      if (!current || isFinal(current.status)) return Promise.resolve();
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort(outerSignal?.reason);
      outerSignal?.addEventListener('abort', onOuterAbort, { once: true });
      const claimed = ctx.store.claimDownload(generationId, ctx.workerId, ctx.timings.claimStaleAfterMs);
      const promise = (
        claimed ? download(generationId, controller.signal) : watch(generationId, controller.signal)
      )
        .catch((error) => fail(generationId, error))
        .finally(() => {
          outerSignal?.removeEventListener('abort', onOuterAbort);
          inflight.delete(generationId);
        });
      inflight.set(generationId, { promise, controller });
      return promise;
    },
    abort(generationId) {
      inflight.get(generationId)?.controller.abort(new Error('download stopped'));
    },
    async abortAll() {
      const all = [...inflight.values()];
      for (const { controller } of all) controller.abort(new Error('shutting down'));
      await Promise.all(all.map(({ promise }) => promise));
    },
  };
}
