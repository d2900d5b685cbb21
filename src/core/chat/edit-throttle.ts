import type { Timers } from '../timers.js';

/** How an edit throttle is built. */
export interface EditThrottleOptions<T> {
  /** Least time between two sends, from the start of one to the start of the next. */
  intervalMs: number;
  clock: () => number;
  timers: Timers;
  send(value: T): Promise<void>;
  /** Told about a failed send; the throttle goes on with newer values. */
  onError(error: unknown, value: T): void;
}

/** Sends the newest of a stream of values, at most one per interval, never two at once. */
export interface EditThrottle<T> {
  /** Offers a value; it replaces any value not sent yet. */
  push(value: T): void;
  /** True while a value waits or a send is in flight. */
  readonly busy: boolean;
  /** Resolves once the newest value has been sent and nothing is pending. */
  idle(): Promise<void>;
  /** Sends the waiting value now, without waiting out the interval, and resolves once idle. */
  flush(): Promise<void>;
  /** Drops what is pending and sends nothing more. */
  close(): void;
}

/**
 * Coalesces status message edits: at most one send per `intervalMs`, one at a time, and the last
 * value pushed is always sent eventually. Both platforms rate-limit message edits (Discord about
 * 5 per 5 s per channel, Slack about one `chat.update` per second), and a progress bar that
 * updates every poll would hit that. Values in between are dropped.
 */
export function createEditThrottle<T>(options: EditThrottleOptions<T>): EditThrottle<T> {
  const { intervalMs, clock, timers } = options;
  let pending: { value: T } | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: unknown;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let closed = false;
  let waiters: (() => void)[] = [];

  const isIdle = () => !pending && !inFlight && timer === undefined;
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
    lastSentAt = clock();
    inFlight = options
      .send(value)
      .catch((error: unknown) => options.onError(error, value))
      .finally(() => {
        inFlight = undefined;
        schedule();
        settle();
      });
  };

  function schedule(): void {
    if (closed || inFlight || timer !== undefined || !pending) return;
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

  function cancelTimer(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  return {
    push(value) {
      if (closed) return;
      pending = { value };
      schedule();
    },
    get busy() {
      return !isIdle();
    },
    idle() {
      if (isIdle()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async flush() {
      for (;;) {
        cancelTimer();
        if (!inFlight) fire();
        if (!inFlight) return;
        await inFlight;
      }
    },
    close() {
      closed = true;
      pending = undefined;
      cancelTimer();
      settle();
    },
  };
}
