import { codeOf, NotFoundError, ReelbotError, UpstreamError, userMessageOf } from '../errors.js';
import type { ReplicatePrediction } from '../replicate/types.js';
import type { LifecycleContext } from './context.js';
import { friendlyFailure, upstreamErrorText } from './failure-reason.js';
import { createMediaKeeper, type MediaKeeper } from './media-keeper.js';
import { createOutputDownloader, type OutputDownloader } from './output-download.js';
import { pickOutputs } from './outputs.js';
import { createTracker, type Tracker } from './prediction-poller.js';
import { createPredictionFor, findSentPrediction } from './prediction-start.js';
import { parseLogProgress } from './progress.js';
import { costOf } from './spend/cost.js';
import { type Generation, type GenerationStatus, isFinal } from './types.js';

const running: GenerationStatus[] = ['queued', 'starting', 'processing', 'downloading'];

/** The life of one generation after it is recorded: create, track, download. */
export interface Lifecycle {
  /** The job body: moves a generation on from whatever state the store holds, until it is final. */
  run(generationId: string, signal: AbortSignal): Promise<void>;
  /** A verified webhook's snapshot. */
  push(generationId: string, prediction: ReplicatePrediction): Promise<void>;
  readonly tracker: Tracker;
  readonly downloader: OutputDownloader;
  /** Keeps finished files as generation results (shared with simulations). */
  readonly keeper: MediaKeeper;
}

export function createLifecycle(ctx: LifecycleContext): Lifecycle {
  const keeper = createMediaKeeper(ctx);
  const downloader = createOutputDownloader(ctx, keeper);
  const tracker = createTracker(ctx, apply);

  async function emitCurrent(
    generationId: string,
    make: (g: Generation) => Parameters<typeof ctx.emit>[0],
  ): Promise<void> {
    const generation = await ctx.store.get(generationId);
    if (generation) ctx.emit(make(generation));
  }

  /** Ends a generation as failed (once: the guarded transition picks one winner) and says why. */
  async function fail(
    generationId: string,
    reason: string,
    code: string,
    upstream?: string,
    cause?: unknown,
  ): Promise<void> {
    const won = await ctx.store.transition(generationId, running, {
      status: 'failed',
      error: reason,
      errorCode: code,
      upstreamError: upstream ?? null,
      completedAt: ctx.clock(),
    });
    if (!won) return;
    ctx.logger.child({ generationId }).warn({ code, upstream, err: cause }, 'generation failed');
    await emitCurrent(generationId, (generation) => ({
      type: 'failed',
      generation,
      reason,
      upstreamError: upstream,
    }));
  }

  /** Records the prediction of a generation that is `starting`; true when this call recorded it. */
  async function adopt(generationId: string, prediction: ReplicatePrediction): Promise<boolean> {
    const won = await ctx.store.transition(generationId, ['starting'], {
      status: 'processing',
      predictionId: prediction.id,
      startedAt: ctx.clock(),
    });
    if (won) {
      ctx.logger.child({ generationId }).info({ predictionId: prediction.id }, 'prediction started');
      await emitCurrent(generationId, (generation) => ({ type: 'started', generation }));
    } else if (!(await ctx.store.get(generationId))?.predictionId) {
      // Canceled while the request was in flight: keep the id, so the prediction can be canceled too.
      await ctx.store.update(generationId, { predictionId: prediction.id });
    }
    return won;
  }

  /** Keeps what a finished prediction used (Replicate bills failed and canceled runs too) and its cost. */
  async function recordSpend(generation: Generation, prediction: ReplicatePrediction): Promise<void> {
    const { predict_time: predictTime, ...other } = prediction.metrics ?? {};
    const seconds = typeof predictTime === 'number' && predictTime >= 0 ? predictTime : undefined;
    await ctx.store.recordSpend(generation.id, {
      predictTime: seconds,
      other,
      costUsd: costOf(ctx.prices, {
        model: generation.model,
        predictTime: seconds,
        succeeded: prediction.status === 'succeeded',
      }),
    });
  }

  async function apply(generationId: string, prediction: ReplicatePrediction): Promise<void> {
    const generation = await ctx.store.get(generationId);
    if (!generation || isFinal(generation.status)) return;
    if (generation.predictionId && generation.predictionId !== prediction.id) return;
    if (!generation.predictionId) await adopt(generationId, prediction);
    const log = ctx.logger.child({ generationId, predictionId: prediction.id });

    switch (prediction.status) {
      case 'starting':
      case 'processing': {
        const { percent, lastLine } = parseLogProgress(prediction.logs);
        const current = (await ctx.store.get(generationId))!;
        if (
          (percent ?? current.progress) === current.progress &&
          (lastLine ?? current.lastLog) === current.lastLog
        )
          return;
        await ctx.store.transition(generationId, ['processing'], { progress: percent, lastLog: lastLine });
        await emitCurrent(generationId, (g) => ({ type: 'progress', generation: g, percent, log: lastLine }));
        return;
      }
      case 'succeeded': {
        const outputs = pickOutputs(prediction.output);
        if (!outputs.primary && prediction.data_removed)
          return fail(
            generationId,
            'Replicate deleted the video (outputs are kept about an hour) before reelbot could save it.',
            'PREDICTION_DATA_REMOVED',
          );
        if (!outputs.primary)
          return fail(generationId, 'The model finished without producing a video.', 'PREDICTION_NO_OUTPUT');
        const lastLine = parseLogProgress(prediction.logs).lastLine;
        await recordSpend(generation, prediction);
        await ctx.store.transition(generationId, ['processing', 'downloading'], {
          outputUrl: outputs.primary,
          extraOutputs: outputs.extras.length > 0 ? outputs.extras : null,
          progress: 100,
          lastLog: lastLine,
        });
        log.info({ extras: outputs.extras.length }, 'prediction succeeded; downloading');
        void downloader.ensure(generationId);
        return;
      }
      case 'canceled': {
        await recordSpend(generation, prediction);
        if (
          await ctx.store.transition(generationId, running, { status: 'canceled', completedAt: ctx.clock() })
        )
          await emitCurrent(generationId, (g) => ({ type: 'canceled', generation: g }));
        return;
      }
      default: {
        // failed and aborted (which the client's wait() would poll forever) are both final.
        const status = prediction.status === 'aborted' ? 'aborted' : 'failed';
        await recordSpend(generation, prediction);
        const upstream =
          upstreamErrorText(prediction.error) ?? (status === 'aborted' ? 'aborted' : undefined);
        await fail(
          generationId,
          friendlyFailure(prediction.error, status),
          `PREDICTION_${status.toUpperCase()}`,
          upstream,
        );
      }
    }
  }

  /** Sends the create request, once: the intent is in the store before it leaves. */
  async function send(generationId: string): Promise<void> {
    const generation = (await ctx.store.get(generationId))!;
    const log = ctx.logger.child({ generationId });
    let prediction: ReplicatePrediction;
    try {
      // Not aborted by cancel or shutdown: a request cut off mid-flight may still have created a
      // prediction, and we would rather record it (and cancel it) than leave it running unseen.
      prediction = await createPredictionFor(ctx, generation);
    } catch (error) {
      if (error instanceof UpstreamError) {
        // No answer, or a 5xx: Replicate may or may not have created it. Look before giving up.
        log.warn({ err: error }, 'create request had no clear answer; looking for the prediction');
        return reconcile(generationId);
      }
      return fail(generationId, userMessageOf(error), codeOf(error), (error as Error).message, error);
    }
    await tracker.serial(generationId, async () => {
      await adopt(generationId, prediction);
      if (
        (await ctx.store.get(generationId))?.status === 'canceled' ||
        (await ctx.store.internals(generationId))?.cancelRequested
      )
        await ctx.api.cancelPrediction(prediction.id).catch((error) => {
          log.warn({ err: error }, 'could not cancel the prediction of a canceled generation');
        });
    });
    await tracker.push(generationId, prediction);
  }

  /** A `starting` generation whose create request may have been sent by a worker that died. */
  async function reconcile(generationId: string): Promise<void> {
    const generation = (await ctx.store.get(generationId))!;
    const requestedAt =
      (await ctx.store.internals(generationId))?.predictionRequestedAt ?? generation.createdAt;
    let result: Awaited<ReturnType<typeof findSentPrediction>>;
    try {
      result = await findSentPrediction(ctx, generation, requestedAt);
    } catch (error) {
      return fail(
        generationId,
        'reelbot could not check with Replicate whether this video had started, so it stopped rather than risk running it twice. Please try again.',
        'START_UNCONFIRMED',
        undefined,
        error,
      );
    }
    if (result.found) {
      ctx.logger
        .child({ generationId })
        .info({ predictionId: result.found.id }, 'found the prediction sent before');
      await tracker.push(generationId, result.found);
      return;
    }
    await fail(
      generationId,
      'reelbot was interrupted while sending this video to Replicate and cannot tell whether it started, so it stopped rather than risk running it twice. Please try again.',
      result.why === 'ambiguous' ? 'START_AMBIGUOUS' : 'START_UNCONFIRMED',
    );
  }

  async function run(generationId: string, signal: AbortSignal): Promise<void> {
    let generation = await ctx.store.get(generationId);
    if (!generation || isFinal(generation.status)) return;
    if (generation.status === 'queued') {
      // Record the intent before the request leaves: a crash after this point is reconciled, never resent.
      if (
        !(await ctx.store.transition(generationId, ['queued'], {
          status: 'starting',
          predictionRequestedAt: ctx.clock(),
        }))
      )
        return;
      await send(generationId);
    } else if (generation.status === 'starting' && !generation.predictionId) {
      if ((await ctx.store.internals(generationId))?.predictionRequestedAt) await reconcile(generationId);
      else {
        await ctx.store.update(generationId, { predictionRequestedAt: ctx.clock() });
        await send(generationId);
      }
    }
    generation = await ctx.store.get(generationId);
    if (!generation || isFinal(generation.status) || signal.aborted) return;
    if (generation.status === 'downloading') {
      await downloader.ensure(generationId, signal);
      return;
    }
    if (!generation.predictionId) return;
    try {
      const final = await tracker.track(generationId, generation.predictionId, signal);
      if (final?.status === 'succeeded' && !signal.aborted) await downloader.ensure(generationId, signal);
    } catch (error) {
      if (error instanceof NotFoundError)
        return fail(generationId, 'Replicate no longer knows this prediction.', 'PREDICTION_NOT_FOUND');
      if (error instanceof ReelbotError)
        return fail(generationId, error.userMessage, error.code, error.message);
      throw error;
    }
  }

  return {
    run,
    push: (generationId, prediction) => tracker.push(generationId, prediction),
    tracker,
    downloader,
    keeper,
  };
}
