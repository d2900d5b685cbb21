import type { TypicalRun } from './types.js';

/** How many of a model's recent successes its typical run time is taken from. */
export const typicalRunWindow = 20;

/** Below this percent a log's progress says too little about the rest (models load before step 1). */
const leastTellingPercent = 10;

/** The median of `values`; undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A model's typical run from Replicate's `metrics.predict_time` (seconds) of its recent successes.
 * The median, not the mean: one cold start or one huge request must not move every estimate.
 */
export function typicalRunOf(predictSeconds: readonly number[]): TypicalRun | undefined {
  const usable = predictSeconds.filter((s) => Number.isFinite(s) && s > 0);
  const middle = median(usable);
  return middle === undefined ? undefined : { ms: middle * 1000, runs: usable.length };
}

/**
 * Time left of a running prediction, in ms, or undefined when nothing tells. Two witnesses:
 * the model's typical run minus the time this one has run, and the pace of the percent its logs
 * print. The percent is trusted in proportion to itself: at 20% the pace so far says little, at
 * 80% it says more than yesterday's runs do.
 */
export function remainingMs(options: {
  /** When the prediction started running. */
  startedAt?: number;
  now: number;
  percent?: number;
  typical?: TypicalRun;
}): number | undefined {
  const { startedAt, now, percent, typical } = options;
  if (startedAt === undefined) return undefined;
  const ran = Math.max(0, now - startedAt);
  const fromHistory = typical ? Math.max(0, typical.ms - ran) : undefined;
  const fromPace =
    percent !== undefined && percent >= leastTellingPercent && percent <= 100
      ? (ran * (100 - percent)) / percent
      : undefined;
  if (fromPace === undefined) return fromHistory;
  if (fromHistory === undefined) return fromPace;
  const weight = (percent ?? 0) / 100;
  return weight * fromPace + (1 - weight) * fromHistory;
}

/** `about 40 s left`, `about 3 min left`; undefined when under a second is left (past the estimate). */
export function formatRemaining(ms: number | undefined): string | undefined {
  if (ms === undefined || ms < 1000) return undefined;
  const seconds = ms / 1000;
  // Five-second steps: an estimate that changes every second reads as false precision.
  const stepped = Math.max(5, Math.round(seconds / 5) * 5);
  if (stepped < 60) return `about ${stepped} s left`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}
