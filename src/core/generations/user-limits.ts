import { LimitError } from '../errors.js';

/**
 * The per-user cap, checked when a generation is asked for. Past `MAX_JOBS_PER_USER` running
 * generations a user's requests wait in line (the admission queue below), up to
 * `MAX_QUEUED_PER_USER` of them; past that the request is refused with a sentence that says so,
 * which keeps one person from filling the shared queue. `inFlight` counts every unfinished
 * generation of the user, waiting ones included.
 */
export function assertUnderUserCap(
  inFlight: number,
  limits: { perUser: number; queuedPerUser: number },
  userId: string,
): void {
  const cap = limits.perUser + limits.queuedPerUser;
  if (inFlight < cap) return;
  const videos = cap === 1 ? 'one video' : `${cap} videos`;
  const waiting = limits.queuedPerUser > 0 ? ' or waiting' : '';
  throw new LimitError(
    `user ${userId} has ${inFlight} generations in flight (cap ${cap})`,
    `You already have ${videos} in progress${waiting}, the most reelbot takes from one person. Wait for one to finish (or cancel one), then try again.`,
    { userId, inFlight, ...limits },
  );
}

/** Where a waiting entry stands. */
export interface QueuePlace {
  /** 1-based place among every waiting entry. */
  position: number;
  /**
   * How many of the same owner's entries are ahead of it (running, or waiting before it), when
   * that is what holds it back: the owner is at the per-user limit.
   */
  ownAhead?: number;
}

/**
 * The limits on running work: at most `total` entries run at once, and at most `perUser` of one
 * owner; the rest wait first-in-first-out. An entry held back by its owner's limit does not hold
 * up other owners' entries behind it. A pure data structure; the job runner drives it.
 */
export interface AdmissionQueue {
  /**
   * Adds an entry of `owner`. Returns 0 when it may run now, or its 1-based place in the queue.
   * `admitted` entries (work resumed after a restart, already running on Replicate) take a slot at
   * once, even above the limits: they are running whether we count them or not.
   */
  push(id: string, options?: { owner?: string; admitted?: boolean }): number;
  /** Frees a running entry's slot (or drops a waiting one) and returns the ids admitted in its place. */
  release(id: string): string[];
  /** 1-based place of a waiting entry; 0 when running; undefined when unknown. */
  position(id: string): number | undefined;
  /** Where a waiting entry stands; undefined when it runs or is unknown. */
  place(id: string): QueuePlace | undefined;
  /** Waiting ids, first in line first. */
  waiting(): readonly string[];
  readonly running: number;
}

/** A FIFO admission queue with a global and a per-owner limit. */
export function createAdmissionQueue(limits: { total: number; perUser?: number }): AdmissionQueue {
  const perUser = limits.perUser ?? Number.POSITIVE_INFINITY;
  const running = new Map<string, string | undefined>();
  const waiting: { id: string; owner?: string }[] = [];

  function runningOf(owner: string | undefined): number {
    if (owner === undefined) return 0;
    let n = 0;
    for (const o of running.values()) if (o === owner) n++;
    return n;
  }

  const ownerFree = (owner: string | undefined) => owner === undefined || runningOf(owner) < perUser;

  function admitWaiting(): string[] {
    const admitted: string[] = [];
    for (let i = 0; i < waiting.length && running.size < limits.total; ) {
      const entry = waiting[i]!;
      if (!ownerFree(entry.owner)) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      running.set(entry.id, entry.owner);
      admitted.push(entry.id);
    }
    return admitted;
  }

  const indexOf = (id: string) => waiting.findIndex((entry) => entry.id === id);

  return {
    push(id, options = {}) {
      if (running.has(id)) return 0;
      const at = indexOf(id);
      if (at >= 0) return at + 1;
      const { owner } = options;
      // Nobody of this owner waits before it, so taking a free slot now keeps their order.
      const ownerWaits = owner !== undefined && waiting.some((entry) => entry.owner === owner);
      if (options.admitted || (running.size < limits.total && ownerFree(owner) && !ownerWaits)) {
        running.set(id, owner);
        return 0;
      }
      waiting.push({ id, owner });
      return waiting.length;
    },
    release(id) {
      const at = indexOf(id);
      if (at >= 0) waiting.splice(at, 1);
      running.delete(id);
      return admitWaiting();
    },
    position(id) {
      if (running.has(id)) return 0;
      const at = indexOf(id);
      return at >= 0 ? at + 1 : undefined;
    },
    place(id) {
      const at = indexOf(id);
      if (at < 0) return undefined;
      const { owner } = waiting[at]!;
      if (owner === undefined) return { position: at + 1 };
      const ahead = runningOf(owner) + waiting.slice(0, at).filter((entry) => entry.owner === owner).length;
      return ahead >= perUser ? { position: at + 1, ownAhead: ahead } : { position: at + 1 };
    },
    waiting: () => waiting.map((entry) => entry.id),
    get running() {
      return running.size;
    },
  };
}
