import type { Timers } from '../timers.js';

/** Keeps status messages alive while nothing happens to a generation. */
export interface Ticker {
  /** Starts (or restarts) the quiet-time count of a generation: something was just said about it. */
  touch(generationId: string): void;
  /** Stops counting for a generation that ended. */
  forget(generationId: string): void;
  /** Stops every count; nothing fires after this. */
  close(): void;
}

/**
 * Calls `tick(id)` for a generation once `intervalMs` has passed with nothing said about it. A model that prints nothing
 * for minutes would otherwise leave its status message (and its elapsed time) frozen, which reads
 * as stuck. Each tick goes out as an event, which touches the count again.
 */
export function createTicker(options: {
  intervalMs: number;
  timers: Timers;
  /** Says something about the generation (an event, which touches it again), or nothing once it ended. */
  tick(generationId: string): void;
}): Ticker {
  const { timers, intervalMs } = options;
  const pending = new Map<string, unknown>();
  let closed = false;

  function forget(id: string) {
    const handle = pending.get(id);
    if (handle === undefined) return;
    timers.clearTimeout(handle);
    pending.delete(id);
  }

  function touch(id: string) {
    if (closed) return;
    forget(id);
    const handle = timers.setTimeout(() => {
      pending.delete(id);
      // A tick that goes out touches the count itself; one that does not ends it.
      if (!closed) options.tick(id);
    }, intervalMs);
    // A tick is cosmetic: it must never be what keeps a stopping process alive.
    (handle as { unref?: () => void } | undefined)?.unref?.();
    pending.set(id, handle);
  }

  return {
    touch,
    forget,
    close() {
      closed = true;
      for (const id of [...pending.keys()]) forget(id);
    },
  };
}
