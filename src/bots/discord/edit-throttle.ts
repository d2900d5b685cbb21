import type { Timers } from '../../core/chat/timers.js';

export interface EditThrottleOptions<T> {
  /** Least time between two sends, from the start of one to the start of the next. */
  intervalMs: number;
  clock: () => number;
  timers: Timers;
  send(value: T): Promise<void>;
  /** Told about a failed send; the throttle goes on with newer values. */
  onError(error: unknown, value: T): void;
}

/** Sends the newest of a stream of values, at most one per interval. */
export interface EditThrottle<T> {
  /** Offers a value; it replaces any value not sent yet. */
  push(value: T): void;
  /** Resolves once the newest value has been sent and nothing is pending. */
  idle(): Promise<void>;
  /** Drops what is pending and sends nothing more. */
  close(): void;
}

/**
 * Coalesces message edits: at most one send per `intervalMs`, one at a time, and the last value
 * pushed is always sent eventually. Discord rate-limits message edits (about 5 per 5 s per
 * channel), and a progress bar that updates every poll would hit that.
 */
export function createEditThrottle<T>(options: EditThrottleOptions<T>): EditThrottle<T> {
  const { intervalMs, clock, timers } = options;
  let pending: { value: T } | undefined;
  let sending = false;
  let timer: unknown;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let closed = false;
  let waiters: (() => void)[] = [];

  const isIdle = () => !pending && !sending && timer === undefined;
  const settle = () => {
    if (!isIdle()) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const fire = () => {
    if (!pending || closed) {
      settle();
      return;
    }
    const { value } = pending;
    pending = undefined;
    sending = true;
    lastSentAt = clock();
    options
      .send(value)
      .catch((error: unknown) => options.onError(error, value))
      .finally(() => {
        sending = false;
        schedule();
        settle();
      });
  };

  function schedule(): void {
    if (closed || sending || timer !== undefined || !pending) return;
    const wait = lastSentAt + intervalMs - clock();
    if (wait <= 0) {
      fire();
      return;
    }
    timer = timers.setTimeout(() => {
      timer = undefined;
      fire();
    }, wait);
  }

  return {
    push(value) {
      if (closed) return;
      pending = { value };
      schedule();
    },
    idle() {
      if (isIdle()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      pending = undefined;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      settle();
    },
  };
}
