import { codeOf, MediaError, userMessageOf } from '../errors.js';
import { downloadToTemp, imageTypes, videoTypes } from '../media/download.js';
import { createHostAllowList } from '../media/host-allow-list.js';
import type { LifecycleContext } from './context.js';
import type { MediaKeeper } from './media-keeper.js';
import { isImageUrl } from './outputs.js';
import { isFinal } from './types.js';

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

export function createOutputDownloader(ctx: LifecycleContext, keeper: MediaKeeper): OutputDownloader {
  const allowList = createHostAllowList(ctx.download.allowedHosts);
  const inflight = new Map<string, { promise: Promise<void>; controller: AbortController }>();

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
      // The expiring Replicate URL goes with the success: from now on only our copy exists.
      const release = () => ctx.store.releaseDownload(generationId, ctx.workerId);
      await keeper.keep(generationId, file, {
        image,
        from: ['downloading'],
        patch: { outputUrl: null },
        signal,
        onKept: release,
      });
      release();
    } catch (error) {
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
