import { LimitError } from '../errors.js';

/**
 * The per-user limit, checked when a generation is asked for. Decision: a user over the limit is
 * told so at once (a `LimitError` with a friendly sentence) instead of having more work queued:
 * in a chat, a visible "you already have 2 running" beats a silent pile of jobs, and it keeps one
 * person from filling the shared queue. Queued generations count, so the limit is on what a user
 * has in flight, not only on what runs.
 */
export function assertUnderUserLimit(inFlight: number, limit: number, userId: string): void {
  if (inFlight < limit) return;
  const videos = limit === 1 ? 'one video' : `${limit} videos`;
  throw new LimitError(
    `user ${userId} has ${inFlight} generations in flight (limit ${limit})`,
    `You already have ${videos} in progress. Wait for one to finish (or cancel one), then try again.`,
    { userId, inFlight, limit },
  );
}

/**
 * The global limit: at most `total` generations run at once, the rest wait first-in-first-out.
 * A pure data structure; the job runner drives it.
 */
export interface AdmissionQueue {
  /**
   * Adds an entry. Returns 0 when it may run now, or its 1-based place in the queue. `admitted`
   * entries (work resumed after a restart, already running on Replicate) take a slot at once, even
   * above the limit: they are running whether we count them or not.
   */
  push(id: string, options?: { admitted?: boolean }): number;
  /** Frees a running entry's slot (or drops a waiting one) and returns the ids admitted in its place. */
  release(id: string): string[];
  /** 1-based place of a waiting entry; 0 when running; undefined when unknown. */
  position(id: string): number | undefined;
  /** Waiting ids, first in line first. */
  waiting(): readonly string[];
  readonly running: number;
}

/** A FIFO admission queue with a global limit. */
export function createAdmissionQueue(limits: { total: number }): AdmissionQueue {
  const running = new Set<string>();
  const waiting: string[] = [];

  function admitWaiting(): string[] {
    const admitted: string[] = [];
    while (running.size < limits.total && waiting.length > 0) {
      const next = waiting.shift()!;
      running.add(next);
      admitted.push(next);
    }
    return admitted;
  }

  return {
    push(id, options = {}) {
      if (running.has(id)) return 0;
      const at = waiting.indexOf(id);
      if (at >= 0) return at + 1;
      if (options.admitted || (running.size < limits.total && waiting.length === 0)) {
        running.add(id);
        return 0;
      }
      waiting.push(id);
      return waiting.length;
    },
    release(id) {
      const at = waiting.indexOf(id);
      if (at >= 0) waiting.splice(at, 1);
      running.delete(id);
      return admitWaiting();
    },
    position(id) {
      if (running.has(id)) return 0;
      const at = waiting.indexOf(id);
      return at >= 0 ? at + 1 : undefined;
    },
    waiting: () => waiting,
    get running() {
      return running.size;
    },
  };
}
