import type { Timers } from '../../../../src/core/timers.js';

/** A clock and timers that move only when a test says so. */
export function createManualClock(start = 1_000_000) {
  let now = start;
  let nextId = 1;
  const scheduled = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    setTimeout(callback, ms) {
      const id = nextId++;
      scheduled.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      scheduled.delete(handle as number);
    },
  };
  return {
    timers,
    clock: () => now,
    /** Pending timers. */
    get pending() {
      return scheduled.size;
    },
    /** Moves time forward, firing every timer that falls due, in order. */
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...scheduled.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        scheduled.delete(due[0]);
        now = due[1].at;
        due[1].callback();
        await flushMicrotasks();
      }
      now = until;
      await flushMicrotasks();
    },
  };
}

/** Lets resolved promises run their callbacks. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
