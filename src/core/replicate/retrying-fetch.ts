import type { Logger } from 'pino';
import { RateLimitError, UpstreamError } from '../errors.js';

/** How hard to try before giving up. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First back-off; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
} satisfies RetryPolicy;

export interface RetryingFetchOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  clock?: () => number;
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads `Retry-After` as seconds or as an HTTP date. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A `fetch` for the official `replicate` client that does the retrying itself: 429 waits for
 * `Retry-After` (or backs off exponentially with full jitter) on every method; 5xx and network
 * errors are retried only for reads, since a repeated POST could create a second prediction.
 *
 * Why not the client's own retries: its loop ignores `Retry-After` and, with its default options,
 * retries a 429 five times with no pause at all. It also swallows anything our fetch throws and
 * calls again with the same `init` object, so once we give up on a request we remember that
 * `init` and fail again at once, without touching the network, until the client stops asking.
 */
export function createRetryingFetch(options: RetryingFetchOptions = {}): typeof fetch {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const givenUp = new WeakMap<object, Error>();

  return async (input, init) => {
    const key = init ?? {};
    const earlier = givenUp.get(key);
    if (earlier) throw earlier;
    const method = (init?.method ?? 'GET').toUpperCase();
    const idempotent = method === 'GET' || method === 'HEAD';
    let lastError: Error | undefined;

    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * random();
      let response: Response;
      try {
        response = await baseFetch(input, init);
      } catch (cause) {
        lastError = new UpstreamError(`Replicate unreachable (${method} ${String(input)})`, undefined, cause);
        if (!idempotent) break;
        options.logger?.warn(
          { attempt, method, code: 'UPSTREAM_UNAVAILABLE' },
          'Replicate unreachable; retrying',
        );
        if (attempt < policy.maxAttempts) await sleep(backoff);
        continue;
      }
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'), clock()) ?? backoff;
        lastError = new RateLimitError(wait);
        if (attempt === policy.maxAttempts) break;
        options.logger?.warn({ attempt, method, waitMs: Math.round(wait) }, 'Replicate rate limit; waiting');
        await response.body?.cancel();
        await sleep(Math.min(wait, policy.maxDelayMs));
        continue;
      }
      if (response.status >= 500 && idempotent) {
        lastError = new UpstreamError(`Replicate answered ${response.status}`, response.status);
        await response.body?.cancel();
        if (attempt === policy.maxAttempts) break;
        options.logger?.warn(
          { attempt, method, status: response.status },
          'Replicate server error; retrying',
        );
        await sleep(backoff);
        continue;
      }
      return response;
    }
    const failure = lastError ?? new UpstreamError('Replicate request failed');
    givenUp.set(key, failure);
    throw failure;
  };
}
