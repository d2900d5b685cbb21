import type { PriceTable } from './prices.js';

/** What a finished prediction used, as far as its price depends on it. */
export interface BilledRun {
  model: string;
  /** Replicate's `metrics.predict_time`, in seconds. */
  predictTime?: number;
  /** Whether it made its output: per-video prices are charged for outputs only. */
  succeeded: boolean;
}

/**
 * The cost in US dollars of one prediction, from the price table; undefined when the table does not
 * know the model's price (or the run lacks the seconds its price is per), never a guess.
 */
export function costOf(prices: PriceTable, run: BilledRun): number | undefined {
  const price = prices.models[run.model];
  if (!price) return undefined;
  if ('usdPerOutput' in price) return run.succeeded ? price.usdPerOutput : undefined;
  const perSecond = prices.hardware[price.hardware];
  if (perSecond === undefined || run.predictTime === undefined) return undefined;
  return run.predictTime * perSecond;
}
