import { NotFoundError, RateLimitError, ReelbotError, UpstreamError } from '../errors.js';
import { finalPredictionStatuses, type ReplicatePrediction } from '../replicate/types.js';
import type { LifecycleContext } from './context.js';

/** Refusals in a row (401, 402, 422 on a poll) before a generation is failed instead of polled again. */
export const refusalsBeforeGivingUp = 3;

/** Applies one snapshot of a prediction to its generation (progress, final state, download). */
export type ApplyPrediction = (generationId: string, prediction: ReplicatePrediction) => Promise<void>;

/**
 * Follows predictions by polling and by webhooks at once. Both paths feed the same `apply`, one
 * snapshot at a time per generation, so a webhook and a poll that arrive together never interleave;
 * `apply` itself is idempotent (state changes are guarded transitions), so the later of two equal
 * snapshots changes nothing.
 */
export interface Tracker {
  /**
   * Polls a prediction, 1 s at first and growing to 5 s, until it is final (returns the final
   * snapshot, from a poll or a webhook) or `signal` aborts (returns undefined). Throws
   * `NotFoundError` when Replicate does not know the prediction.
   */
  track(
    generationId: string,
    predictionId: string,
    signal: AbortSignal,
  ): Promise<ReplicatePrediction | undefined>;
  /** Applies a webhook's snapshot now, and ends the polling of that generation when it is final. */
  push(generationId: string, prediction: ReplicatePrediction): Promise<void>;
  /** Whether this process is following that generation's prediction now (inside `track`). */
  tracks(generationId: string): boolean;
  /** Runs `work` in the per-generation order that snapshots are applied in. */
  serial<T>(generationId: string, work: () => Promise<T>): Promise<T>;
}

export function isFinalPrediction(prediction: ReplicatePrediction): boolean {
  return finalPredictionStatuses.includes(prediction.status);
}

export function createTracker(ctx: LifecycleContext, apply: ApplyPrediction): Tracker {
  const chains = new Map<string, Promise<unknown>>();
  const finals = new Map<string, ReplicatePrediction>();
  const wakers = new Map<string, () => void>();
  const tracking = new Set<string>();

  function serial<T>(generationId: string, work: () => Promise<T>): Promise<T> {
    const previous = chains.get(generationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    chains.set(generationId, settled);
    settled.then(() => {
      if (chains.get(generationId) === settled) chains.delete(generationId);
    });
    return next;
  }

  function applySerially(generationId: string, prediction: ReplicatePrediction) {
    return serial(generationId, () => apply(generationId, prediction));
  }

  /** Sleeps until the next poll, or until a webhook brings the final snapshot. */
  function wait(generationId: string, ms: number, signal: AbortSignal): Promise<void> {
    const local = new AbortController();
    const onAbort = () => local.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    wakers.set(generationId, () => local.abort());
    return ctx.sleep(ms, local.signal).finally(() => {
      signal.removeEventListener('abort', onAbort);
      wakers.delete(generationId);
    });
  }

  return {
    serial,
    tracks: (generationId) => tracking.has(generationId),
    async push(generationId, prediction) {
      await applySerially(generationId, prediction);
      if (isFinalPrediction(prediction) && tracking.has(generationId)) {
        finals.set(generationId, prediction);
        wakers.get(generationId)?.();
      }
    },
    async track(generationId, predictionId, signal) {
      const log = ctx.logger.child({ generationId, predictionId });
      const { pollInitialMs, pollMaxMs, pollFactor } = ctx.timings;
      let delay = pollInitialMs;
      let refusals = 0;
      tracking.add(generationId);
      try {
        while (!signal.aborted) {
          const pushed = finals.get(generationId);
          if (pushed) return pushed;
          await wait(generationId, delay, signal);
          if (signal.aborted) return undefined;
          const afterWait = finals.get(generationId);
          if (afterWait) return afterWait;
          delay = Math.min(pollMaxMs, delay * pollFactor);
          let prediction: ReplicatePrediction;
          try {
            prediction = await ctx.api.getPrediction(predictionId);
            refusals = 0;
          } catch (error) {
            if (error instanceof NotFoundError) throw error;
            // An outage or a rate limit passes, so those are waited out for as long as it takes.
            // A refusal (a revoked token, billing) does not fix itself: polling it for ever would
            // leave the user watching "processing" with no end.
            const transient = error instanceof RateLimitError || error instanceof UpstreamError;
            if (!transient && error instanceof ReelbotError && ++refusals >= refusalsBeforeGivingUp)
              throw error;
            log.warn({ err: error }, 'polling failed; trying again');
            continue;
          }
          await applySerially(generationId, prediction);
          if (isFinalPrediction(prediction)) return prediction;
        }
        return undefined;
      } finally {
        tracking.delete(generationId);
        finals.delete(generationId);
      }
    },
  };
}
