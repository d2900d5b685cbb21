import type { Timers } from '../timers.js';
import { createEditThrottle, type EditThrottle } from './edit-throttle.js';

/** One edit throttle per key (a generation's status message), made when the key is first pushed. */
export interface KeyedEditThrottle<T> {
  /** Offers the newest value for `key`; `final` forgets the key once everything has been sent. */
  push(key: string, value: T, options?: { final?: boolean }): void;
  /** Sends every waiting value now and waits until nothing is in flight. */
  flush(): Promise<void>;
}

/**
 * `createEditThrottle` per key: each key gets its own interval and its own one-at-a-time sends,
 * so one slow status message never holds up another.
 */
export function createKeyedEditThrottle<T>(options: {
  intervalMs: number;
  clock: () => number;
  timers: Timers;
  send(key: string, value: T): Promise<void>;
  onError(error: unknown, key: string, value: T): void;
}): KeyedEditThrottle<T> {
  const throttles = new Map<string, EditThrottle<T>>();
  const finals = new Set<string>();

  return {
    push(key, value, pushOptions = {}) {
      let throttle = throttles.get(key);
      if (!throttle) {
        throttle = createEditThrottle<T>({
          intervalMs: options.intervalMs,
          clock: options.clock,
          timers: options.timers,
          send: (next) => options.send(key, next),
          onError: (error, failed) => options.onError(error, key, failed),
        });
        throttles.set(key, throttle);
      }
      throttle.push(value);
      if (pushOptions.final && !finals.has(key)) {
        finals.add(key);
        const last = throttle;
        void last.idle().then(() => {
          finals.delete(key);
          if (throttles.get(key) === last) throttles.delete(key);
        });
      }
    },

    async flush() {
      // Sends may push again (to this key or another): go on until a round finds nothing to do.
      for (;;) {
        const busy = [...throttles.values()].filter((throttle) => throttle.busy);
        if (busy.length === 0) return;
        await Promise.all(busy.map((throttle) => throttle.flush()));
      }
    },
  };
}
