import type { Generation } from '../types.js';

/** Seconds for people: `12.5 s`, `0.8 s`, `125 s`, `3,600 s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds >= 100 ? Math.round(seconds).toLocaleString('en-US') : Number(seconds.toFixed(1))} s`;
}

/** Dollars for people: `$0.02`, `$1.25`. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** An estimate in dollars: `about $0.02`, or `under $0.01` where cents would round it to nothing. */
export function approximateUsd(usd: number): string {
  return usd > 0 && usd < 0.005 ? 'under $0.01' : `about ${formatUsd(usd)}`;
}

/**
 * What a generation used, in one line: `GPU 12.5 s · about $0.02` for a Replicate video (the
 * dollars only when the price is known), `CPU 3.1 s` for a simulation; undefined when nothing was
 * measured (still running, or made before reelbot kept it).
 */
export function describeSpend(
  generation: Pick<Generation, 'source' | 'metrics' | 'costUsd'>,
): string | undefined {
  const { metrics, costUsd } = generation;
  const parts: string[] = [];
  if (generation.source === 'simulation') {
    if (metrics?.cpuTime !== undefined) parts.push(`CPU ${formatSeconds(metrics.cpuTime)}`);
  } else if (metrics?.predictTime !== undefined) parts.push(`GPU ${formatSeconds(metrics.predictTime)}`);
  if (costUsd !== undefined) parts.push(approximateUsd(costUsd));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}
