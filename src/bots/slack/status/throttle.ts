import type { Timers } from '../../../core/chat/timers.js';

/** Sends the newest value of each key, at most once per interval, never two at once per key. */
export interface Throttle<T> {
  /** Remembers `value` as the newest for `key`; `final` drops the key once it has been sent. */
  push(key: string, value: T, options?: { final?: boolean }): void;
  /** Sends every waiting value now and waits until nothing is in flight. */
  flush(): Promise<void>;
}

interface KeyState<T> {
  latest?: T;
  final: boolean;
  lastSentAt?: number;
  timer?: unknown;
  inFlight?: Promise<void>;
}

/**
 * A per-key throttle for status message edits: Slack allows about one `chat.update` per second
 * per channel, and a progress log can move every few hundred ms. Values in between are dropped,
 * the last one is always sent.
 */
export function createThrottle<T>(options: {
  intervalMs: number;
  clock: () => number;
  timers: Timers;
  send(key: string, value: T): Promise<void>;
  onError(key: string, error: unknown): void;
}): Throttle<T> {
  const keys = new Map<string, KeyState<T>>();

  function schedule(key: string, state: KeyState<T>) {
    if (state.inFlight || state.timer !== undefined || state.latest === undefined) return;
    const wait = state.lastSentAt === undefined ? 0 : state.lastSentAt + options.intervalMs - options.clock();
    if (wait <= 0) return fire(key, state);
    state.timer = options.timers.setTimeout(() => {
      state.timer = undefined;
      fire(key, state);
    }, wait);
  }

  function fire(key: string, state: KeyState<T>) {
    const value = state.latest;
    if (value === undefined) return;
    state.latest = undefined;
    state.lastSentAt = options.clock();
    state.inFlight = options
      .send(key, value)
      .catch((error: unknown) => options.onError(key, error))
      .finally(() => {
        state.inFlight = undefined;
        if (state.latest !== undefined) schedule(key, state);
        else if (state.final) keys.delete(key);
      });
  }

  return {
    push(key, value, pushOptions = {}) {
      let state = keys.get(key);
      if (!state) {
        state = { final: false };
        keys.set(key, state);
      }
      state.latest = value;
      state.final ||= pushOptions.final ?? false;
      schedule(key, state);
    },

    async flush() {
      for (;;) {
        const busy: Promise<void>[] = [];
        for (const [key, state] of keys) {
          if (state.timer !== undefined) {
            options.timers.clearTimeout(state.timer);
            state.timer = undefined;
          }
          if (!state.inFlight && state.latest !== undefined) fire(key, state);
          if (state.inFlight) busy.push(state.inFlight);
        }
        if (busy.length === 0) return;
        await Promise.all(busy);
      }
    },
  };
}
