import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { MediaStorage } from '../media/storage.js';
import type { ReplicateApi } from '../replicate/client.js';
import type { GenerationStore } from './generation-store.js';
import type { PriceTable } from './spend/prices.js';
import type { GenerationEvent } from './types.js';

/** The Replicate calls the lifecycle makes. */
export type LifecycleApi = Pick<
  ReplicateApi,
  'createPrediction' | 'getPrediction' | 'cancelPrediction' | 'listPredictions'
>;

/** Timings of polling and downloads; tests shorten them. */
export interface LifecycleTimings {
  /** First poll after this long; then the interval grows by `pollFactor` up to `pollMaxMs`. */
  pollInitialMs: number;
  pollMaxMs: number;
  pollFactor: number;
  /** Waits before the download retries (2, 4 and 8 s). */
  downloadRetryDelaysMs: readonly number[];
  /**
   * A download claim whose heartbeat is older than this belongs to a process that died (or froze);
   * another may take it over. Several heartbeats fit in it, so one slow beat loses nothing.
   */
  claimLeaseMs: number;
  /** How often the owner of a download claim renews it. */
  claimHeartbeatMs: number;
  /** How long a stalled download (no bytes) is given before the try counts as failed. */
  downloadIdleTimeoutMs: number;
}

export const defaultTimings = {
  pollInitialMs: 1000,
  pollMaxMs: 5000,
  pollFactor: 1.5,
  downloadRetryDelaysMs: [2000, 4000, 8000],
  claimLeaseMs: 10_000,
  claimHeartbeatMs: 3_000,
  downloadIdleTimeoutMs: 60_000,
} satisfies LifecycleTimings;

/**
 * The poll schedule a deployment's settings ask for. Without webhooks, polling is how a prediction
 * is followed: the first poll after 1 s, then ever longer up to `maxMs`. With webhooks they bring
 * every step, and the poll only catches one that was lost, so it waits `maxMs` from the first:
 * fewer calls against Replicate's 3,000 a minute.
 */
export function pollSchedule(options: {
  maxMs: number;
  webhooks: boolean;
}): Pick<LifecycleTimings, 'pollInitialMs' | 'pollMaxMs'> {
  const { maxMs, webhooks } = options;
  return {
    pollInitialMs: webhooks ? maxMs : Math.min(defaultTimings.pollInitialMs, maxMs),
    pollMaxMs: maxMs,
  };
}

/** What the lifecycle steps share: the service builds it once. */
export interface LifecycleContext {
  store: GenerationStore;
  api: LifecycleApi;
  storage: MediaStorage;
  logger: Logger;
  clock: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  emit: (event: GenerationEvent) => void;
  timings: LifecycleTimings;
  /** Identifies this process in download claims. */
  workerId: string;
  publicUrl?: string;
  download: { allowedHosts: readonly string[]; maxBytes: number; dispatcher?: Dispatcher };
  /** What a prediction costs, for the price shown beside each video. */
  prices: PriceTable;
}

/** `ms` of the injected sleep, cut short by an abort. */
export function abortableSleep(
  sleep: (ms: number) => Promise<void>,
): (ms: number, signal?: AbortSignal) => Promise<void> {
  return (ms, signal) => {
    if (!signal) return sleep(ms);
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      sleep(ms).then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  };
}
