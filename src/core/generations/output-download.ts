import { codeOf, MediaError, userMessageOf } from '../errors.js';
import { downloadToTemp, imageTypes, videoTypes } from '../media/download.js';
import { createHostAllowList } from '../media/host-allow-list.js';
import { removePartFiles } from '../media/part-files.js';
import type { LifecycleContext } from './context.js';
import type { ClaimResult } from './generation-store.js';
import type { MediaKeeper } from './media-keeper.js';
import { isImageUrl } from './outputs.js';
import { isFinal } from './types.js';

/** Downloads, checks and keeps the output of a succeeded prediction, once across workers. */
export interface OutputDownloader {
  /**
   * Makes sure the output of a generation gets downloaded: by this call, by one already running in
   * this process (the same promise), or by another worker holding the claim (then it watches the
   * store until that worker finishes, or its heartbeat stops and the claim lapses to this one).
   * Never throws; failures are recorded.
   */
  ensure(generationId: string, signal?: AbortSignal): Promise<void>;
  /** Aborts a download in flight here (cancel); the claim is released. */
  abort(generationId: string): void;
  /** Aborts every download in flight here (shutdown) and waits until their claims are released. */
  abortAll(): Promise<void>;
  /**
   * Deletes the `.part` files of downloads nobody is doing any more: written before `before` (this
   * process's start) by an owner whose claim no longer beats. Returns how many.
   */
  removeAbandoned(before: number): Promise<number>;
}

export function createOutputDownloader(ctx: LifecycleContext, keeper: MediaKeeper): OutputDownloader {
  const allowList = createHostAllowList(ctx.download.allowedHosts);
  const inflight = new Map<string, { promise: Promise<void>; controller: AbortController }>();

  async function fail(generationId: string, error: unknown): Promise<void> {
    const log = ctx.logger.child({ generationId });
    log.error({ code: codeOf(error), err: error }, 'output could not be kept');
    const reason = userMessageOf(error);
    let won: boolean;
    try {
      won = await ctx.store.transition(generationId, ['downloading', 'processing', 'starting'], {
        status: 'failed',
        error: reason,
        errorCode: codeOf(error),
        completedAt: ctx.clock(),
      });
      await ctx.store.releaseDownload(generationId, ctx.workerId);
    } catch (storeError) {
      // The database refused too (a disk full for SQLite as well): the claim stops beating, and
      // the next start, or another worker, takes the download over once it lapses.
      log.error({ err: storeError }, 'the failure could not be recorded');
      return;
    }
    const generation = won ? await ctx.store.get(generationId).catch(() => undefined) : undefined;
    if (generation) ctx.emit({ type: 'failed', generation, reason });
  }

  /**
   * Renews the claim every `claimHeartbeatMs` while a download runs. A beat that finds the claim
   * gone (this process froze past the lease and another took over) stops the download here.
   * Real timers, not `ctx.sleep`: other processes judge the lease by the wall clock, so the beats
   * must keep to it too.
   */
  function beat(generationId: string, lost: AbortController): () => void {
    const log = ctx.logger.child({ generationId });
    let stopped = false;
    const onBeat = async () => {
      let held: boolean;
      try {
        held = await ctx.store.beatDownload(generationId, ctx.workerId);
      } catch (error) {
        // A beat the database refused (busy): the lease leaves room for the next one.
        log.warn({ err: error }, 'download heartbeat failed');
        return;
      }
      // The download may have ended while the beat was on its way: then a lost claim is ours to forget.
      if (held || stopped) return;
      clearInterval(timer);
      const claim = await ctx.store.internals(generationId).catch(() => undefined);
      // Released on the way out (kept, failed, canceled): nothing more to renew.
      if (stopped || claim?.downloadClaim === undefined) return;
      log.warn('download claim taken over by another worker; stopping here');
      lost.abort(new Error('download claim lost'));
    };
    const timer = setInterval(() => void onBeat(), ctx.timings.claimHeartbeatMs);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  /** Downloads under a claim this process holds; hands over to {@link watch} if the claim is lost. */
  async function download(generationId: string, signal: AbortSignal): Promise<void> {
    const lost = new AbortController();
    const both = AbortSignal.any([signal, lost.signal]);
    const stopBeating = beat(generationId, lost);
    try {
      const stillOurs = async () => {
        if (!lost.signal.aborted && !(await ctx.store.beatDownload(generationId, ctx.workerId)))
          lost.abort(new Error('download claim lost'));
        return !lost.signal.aborted;
      };
      await downloadClaimed(generationId, both, stillOurs);
    } finally {
      stopBeating();
    }
    if (lost.signal.aborted && !signal.aborted) await watch(generationId, signal);
  }

  async function downloadClaimed(
    generationId: string,
    signal: AbortSignal,
    stillOurs: () => Promise<boolean>,
  ): Promise<void> {
    const log = ctx.logger.child({ generationId });
    const url = (await ctx.store.internals(generationId))?.outputUrl;
    if (!url)
      return fail(
        generationId,
        new MediaError('MEDIA_NO_OUTPUT', 'prediction has no output URL', {
          userMessage: 'The model finished without producing a video.',
        }),
      );
    const generation = await ctx.store.get(generationId);
    if (generation) ctx.emit({ type: 'downloading', generation });
    const image = isImageUrl(url);
    try {
      const file = await downloadToTemp({
        url,
        tempDir: ctx.storage.tempDir,
        owner: ctx.workerId,
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
        stillOurs,
        onKept: release,
      });
      await release();
    } catch (error) {
      if (signal.aborted) {
        // Shutdown, cancel or a lost claim: the next worker (or the next start) takes it.
        await ctx.store.releaseDownload(generationId, ctx.workerId);
        log.info('download stopped');
        return;
      }
      await fail(generationId, error);
    }
  }

  /** Claims the download; a claim taken over from a dead owner takes its leftover files with it. */
  async function claim(generationId: string): Promise<ClaimResult> {
    const result = await ctx.store.claimDownload(generationId, ctx.workerId, ctx.timings.claimLeaseMs);
    if (result.claimed && result.takenFrom) {
      const deadOwner = result.takenFrom;
      const removed = await removePartFiles(ctx.storage.tempDir, (file) => file.owner === deadOwner).catch(
        () => [],
      );
      ctx.logger
        .child({ generationId })
        .info({ from: deadOwner, removedFiles: removed.length }, 'took over a download whose owner stopped');
    }
    return result;
  }

  /**
   * Another worker holds the claim: wait until it finishes, or until its heartbeat has been silent
   * for a whole lease (it died), then take over at once.
   */
  async function watch(generationId: string, signal: AbortSignal, first?: ClaimResult): Promise<void> {
    let wait = first ? untilLapse(first) : ctx.timings.pollMaxMs;
    while (!signal.aborted) {
      await ctx.sleep(wait, signal);
      const generation = await ctx.store.get(generationId);
      if (!generation || signal.aborted) return;
      if (isFinal(generation.status)) {
        if (generation.status === 'succeeded' && generation.media)
          ctx.emit({ type: 'succeeded', generation, media: generation.media });
        else if (generation.status === 'failed')
          ctx.emit({ type: 'failed', generation, reason: generation.error ?? 'The generation failed.' });
        else ctx.emit({ type: 'canceled', generation });
        return;
      }
      const result = await claim(generationId);
      if (result.claimed) return download(generationId, signal);
      wait = untilLapse(result);
    }
  }

  /** How long to wait before a claim held by someone else could lapse (a little after, not before). */
  function untilLapse(result: ClaimResult): number {
    if (result.claimed || !result.holder) return ctx.timings.pollMaxMs;
    const lapse = result.holder.heartbeatAt + ctx.timings.claimLeaseMs - ctx.clock() + 1;
    return Math.max(1, Math.min(ctx.timings.pollMaxMs, lapse));
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
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort(outerSignal?.reason);
      outerSignal?.addEventListener('abort', onOuterAbort, { once: true });
      // Registered before the first await, so a second ensure of the same generation in the
      // meantime joins this one instead of starting its own.
      const promise = ctx.store
        .get(generationId)
        .then(async (current) => {
          if (!current || isFinal(current.status) || controller.signal.aborted) return;
          const result = await claim(generationId);
          return result.claimed
            ? download(generationId, controller.signal)
            : watch(generationId, controller.signal, result);
        })
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
    async removeAbandoned(before) {
      const live = await ctx.store.liveDownloadOwners(ctx.timings.claimLeaseMs);
      const removed = await removePartFiles(
        ctx.storage.tempDir,
        (file) => file.modifiedMs < before && !(file.owner && live.has(file.owner)),
      );
      if (removed.length > 0)
        ctx.logger.info({ files: removed.length }, 'removed downloads a stopped process left');
      return removed.length;
    },
    async abortAll() {
      const all = [...inflight.values()];
      for (const { controller } of all) controller.abort(new Error('shutting down'));
      await Promise.all(all.map(({ promise }) => promise));
    },
  };
}
