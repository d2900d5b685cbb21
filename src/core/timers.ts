/** Timer functions, injected so throttling and deadlines can be tested with a fake clock. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers. */
export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Resolves with the promise's value, or `undefined` when it takes longer than `ms`; a rejection
 * within `ms` is passed on. Keeps answers within the 3 s both chat platforms give an interaction.
 */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  timers: Timers = realTimers,
): Promise<T | undefined> {
  let handle: unknown;
  const timeout = new Promise<undefined>((resolve) => {
    handle = timers.setTimeout(() => resolve(undefined), ms);
  });
  // A rejection after the timeout has nobody listening; keep it from becoming unhandled.
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    timers.clearTimeout(handle);
  }
}
