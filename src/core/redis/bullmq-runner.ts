import { type Job as BullJob, DelayedError, Queue, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Job, JobKind, JobPerformer, JobRunner } from '../generations/job-queue.js';
import type { QueuePlace } from '../generations/user-limits.js';
import { createPlaceReader } from './queue-places.js';
import { createSlots } from './slots.js';

/** The least time between two reads of the queue places after the first. */
const placesRefreshMs = 500;
/**
 * How often the submitting process asks Redis about its jobs that are neither waiting nor known
 * to have ended, and forgets those Redis no longer has. Pub/sub loses messages only while the
 * subscriber reconnects, which asks at once; this is the slow safety net besides.
 */
const forgetCheckMs = 10 * 60_000;

/**
 * What a `moved` message says happened to a job, so the process that submitted it can tell
 * whether its place in line may have changed without reading the line.
 */
type Move = 'submitted' | 'taken' | 'held' | 'ended' | 'requeued' | 'canceled';

/** How the BullMQ runner reaches Redis and which limits it keeps. */
export interface BullmqRunnerOptions {
  /** `REDIS_URL`. */
  url: string;
  /** Running jobs across every process and both queues (`MAX_JOBS_TOTAL`). */
  total: number;
  /** Running jobs of one owner across every process (`MAX_JOBS_PER_USER`); unlimited when absent. */
  perUser?: number;
  logger: Logger;
  /** Prefix of every key and channel, so deployments (or tests) can share one Redis. */
  prefix?: string;
  /**
   * A running job's slot and BullMQ lock last this long without renewal (default 15 s): how soon a
   * job of a worker that died (kill -9) goes to another worker, with the stalled check below.
   */
  leaseMs?: number;
  /** A job held back by a limit looks again after this long if no job end wakes it (default 5 s). */
  holdMs?: number;
}

/** The BullMQ runner, with what tests need besides the {@link JobRunner} interface. */
export interface BullmqJobRunner extends JobRunner {
  /** Resolves once every submit and cancel sent so far has reached Redis. */
  settled(): Promise<void>;
}

const kinds: JobKind[] = ['generation', 'render'];
const queueNames: Record<JobKind, string> = { generation: 'generations', render: 'renders' };

/**
 * Jobs on two BullMQ queues (generation tracking and physics renders) that any number of
 * processes submit to and take from. BullMQ's global concurrency caps each queue at `total`;
 * the slots in Redis (slots.ts) hold `total` across both queues and `perUser` per owner: a
 * worker that takes a job past a limit moves it back to `delayed`, and each job end wakes the
 * held ones. Job ids are generation ids, so a second submit of one generation is the same job.
 * Cancels and queue moves travel on pub/sub, so a cancel reaches the job wherever it runs.
 */
export function createBullmqJobRunner(options: BullmqRunnerOptions): BullmqJobRunner {
  const { logger } = options;
  const prefix = options.prefix ?? 'reelbot';
  const leaseMs = options.leaseMs ?? 15_000;
  const holdMs = options.holdMs ?? 5_000;
  // BullMQ's blocking commands need unlimited retries per request.
  const redis = new Redis(options.url, { maxRetriesPerRequest: null });
  const subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
  const channels = { cancel: `${prefix}:jobs:cancel`, moved: `${prefix}:jobs:moved` };
  const heldKey = `${prefix}:jobs:held`;
  const slots = createSlots({ redis, prefix, total: options.total, perUser: options.perUser, leaseMs });
  const queues = Object.fromEntries(
    kinds.map((kind) => [kind, new Queue<Job>(queueNames[kind], { connection: redis, prefix })]),
  ) as Record<JobKind, Queue<Job>>;
  const readPlaces = Object.fromEntries(kinds.map((kind) => [kind, createPlaceReader(queues[kind])]));
  let lastForgetCheck = Date.now();
  let forgetCheckDue = false;
  const workers: Worker<Job>[] = [];
  /** Jobs running in this process, with their owners, whose slot leases it renews. */
  const running = new Map<string, string | undefined>();
  // One renewal for all of them, as BullMQ renews its locks: a lease lasts three renewals.
  let renewing: NodeJS.Timeout | undefined;
  function renewLeases(): void {
    if (running.size === 0) {
      clearInterval(renewing);
      renewing = undefined;
      return;
    }
    slots
      .renew([...running].map(([id, owner]) => ({ id, owner })))
      .catch((error: unknown) => logger.warn({ err: error }, 'lease renewal'));
  }
  /** Jobs this process submitted, whose places it announces (its bot shows them). */
  const tracked = new Set<string>();
  let places = new Map<string, QueuePlace>();
  const told = new Map<string, string>();
  const listeners = new Set<(places: ReadonlyMap<string, QueuePlace>) => void>();
  const pending = new Set<Promise<unknown>>();
  let closing = false;

  function track<T>(work: Promise<T>, what: string): void {
    const guarded = work.catch((error: unknown) => logger.error({ err: error }, what));
    pending.add(guarded);
    void guarded.finally(() => pending.delete(guarded));
  }

  const ready = Promise.all(kinds.map((kind) => queues[kind].setGlobalConcurrency(options.total)));
  track(ready, 'could not set the global concurrency');

  // Place updates are coalesced: one refresh at a time, and one more if asked meanwhile, at most
  // every `placesRefreshMs`.
  let refreshing: Promise<void> | undefined;
  let again = false;
  function refresh(): void {
    if (closing || tracked.size === 0) return;
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = (async () => {
      do {
        again = false;
        const next = new Map<string, QueuePlace>();
        for (const kind of kinds) {
          const found = await readPlaces[kind]!({ perUser: options.perUser, runningOf: slots.runningOf });
          for (const [id, place] of found) if (tracked.has(id)) next.set(id, place);
        }
        // A job taken by a worker may come back (held by a limit, or its worker stopped): it is
        // forgotten when its end is told (`ended`), or, should that message be lost, once Redis
        // no longer has it, which is asked after a reconnect and now and then, not on every read.
        if (forgetCheckDue || Date.now() - lastForgetCheck >= forgetCheckMs) {
          forgetCheckDue = false;
          lastForgetCheck = Date.now();
          for (const id of [...tracked]) {
            if (next.has(id)) continue;
            const states = await Promise.all(kinds.map((kind) => queues[kind].getJobState(id)));
            if (states.every((state) => state === 'unknown' || state === 'completed' || state === 'failed'))
              tracked.delete(id);
          }
        }
        places = next;
        announce();
        // Moves that come while reading, or in the next moment, make one more read together: a
        // burst of hundreds of job starts and ends would otherwise read the whole waiting list once
        // each. Status messages show places at most every 1.5 s, so nobody sees the difference.
        if (again && !closing) await new Promise((resolve) => setTimeout(resolve, placesRefreshMs));
      } while (again && !closing);
    })()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not read the queue places'))
      .finally(() => {
        refreshing = undefined;
      });
    track(refreshing, 'queue places');
  }

  // Only places that moved are announced: each one edits a chat message, and edits are rate-limited.
  function announce(): void {
    const moved = new Map<string, QueuePlace>();
    for (const id of [...told.keys()]) if (!places.has(id)) told.delete(id);
    for (const [id, place] of places) {
      const key = `${place.position}:${place.ownAhead ?? ''}`;
      if (told.get(id) === key) continue;
      told.set(id, key);
      moved.set(id, place);
    }
    if (moved.size > 0) for (const listener of listeners) listener(moved);
  }

  const moved = (move: Move, id: string) =>
    track(redis.publish(channels.moved, `${move}:${id}`), 'could not publish a queue move');

  void subscriber.subscribe(channels.cancel, channels.moved).catch((error: unknown) => {
    logger.error({ err: error }, 'could not subscribe to the job channels');
  });
  // Back after a lost connection (ioredis subscribes again): ends told meanwhile were missed.
  subscriber.on('ready', () => {
    forgetCheckDue = true;
    refresh();
  });
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === channels.cancel) {
      for (const worker of workers) worker.cancelJob(message, 'canceled');
      return;
    }
    const at = message.indexOf(':');
    const [move, id] = [message.slice(0, at), message.slice(at + 1)];
    if (move === 'ended') tracked.delete(id);
    // Places change only for jobs in line. With none of ours there, only news of one of ours (held
    // back, put back) can put one there: a burst of takes and ends elsewhere costs no read.
    if (places.size > 0 || tracked.has(id)) refresh();
  });

  /** Wakes the jobs held by a limit, now that a slot is free; each looks again at the limits. */
  async function wakeHeld(): Promise<void> {
    const held = await redis.zrange(heldKey, 0, -1);
    for (const member of held) {
      await redis.zrem(heldKey, member);
      const [kind, id] = member.split('|') as [JobKind, string];
      // Already back in the wait list, or gone (canceled): nothing to wake.
      await (await queues[kind]?.getJob(id))?.promote().catch(() => {});
    }
  }

  function processorFor(kind: JobKind, perform: JobPerformer) {
    return async (bullJob: BullJob<Job>, token?: string, signal?: AbortSignal): Promise<void> => {
      const job = bullJob.data;
      const taken = await slots.take(job.id, job.owner);
      if (taken !== 'taken') {
        await redis.zadd(heldKey, bullJob.timestamp, `${kind}|${job.id}`);
        await bullJob.moveToDelayed(Date.now() + holdMs, token);
        moved('held', job.id);
        throw new DelayedError();
      }
      running.set(job.id, job.owner);
      moved('taken', job.id);
      if (!renewing) {
        renewing = setInterval(renewLeases, leaseMs / 3);
        renewing.unref();
      }
      try {
        await perform(job, signal ?? new AbortController().signal);
      } catch (error) {
        logger.error({ generationId: job.id, err: error }, 'job ended with an error');
      } finally {
        running.delete(job.id);
        await slots.release(job.id, job.owner);
        await wakeHeld();
      }
      // Stopped by shutdown, not done: back to the wait list for another worker (or the next start).
      if (closing && signal?.aborted) {
        await bullJob.moveToWait(token);
        moved('requeued', job.id);
        throw new WaitingError();
      }
      moved('ended', job.id);
    };
  }

  return {
    submit(job, submitOptions = {}) {
      if (closing) throw new Error('job runner is closed');
      const added = queues[job.kind]
        .add(job.kind, job, {
          jobId: job.id,
          removeOnComplete: true,
          removeOnFail: true,
          // Work resumed after a restart is already running on Replicate: it goes first.
          lifo: submitOptions.resumed === true,
        })
        .then(() => {
          tracked.add(job.id);
          moved('submitted', job.id);
        });
      track(added, 'could not queue a job');
      return 0;
    },
    work(perform) {
      for (const kind of kinds)
        workers.push(
          new Worker<Job>(queueNames[kind], processorFor(kind, perform), {
            connection: redis,
            prefix,
            concurrency: options.total,
            lockDuration: leaseMs,
            // Checked every 5 s by default: a dead worker's job moves on within about 20 s.
            stalledInterval: leaseMs / 3,
            // A job here is resumable from the store: a worker dying under it is no reason to fail it.
            maxStalledCount: 1000,
          }),
        );
      for (const worker of workers)
        worker.on('error', (error) => logger.error({ err: error }, 'job worker error'));
    },
    cancel(id) {
      const known = tracked.has(id) || running.has(id);
      const cancel = (async () => {
        for (const kind of kinds) {
          const job = await queues[kind].getJob(id);
          // A running job is locked and cannot be removed; the message below aborts it.
          await job?.remove().catch(() => {});
        }
        await redis.zrem(heldKey, ...kinds.map((kind) => `${kind}|${id}`));
        await redis.publish(channels.cancel, id);
        moved('canceled', id);
      })();
      track(cancel, 'could not cancel a job');
      return known;
    },
    position: (id) => (running.has(id) ? 0 : places.get(id)?.position),
    place: (id) => (running.has(id) ? undefined : places.get(id)),
    onQueueChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const worker of workers) worker.cancelAllJobs('shutting down');
      await Promise.all(workers.map((worker) => worker.close()));
      clearInterval(renewing);
      while (pending.size > 0) await Promise.all([...pending]);
      await Promise.all(kinds.map((kind) => queues[kind].close()));
      subscriber.disconnect();
      await redis.quit();
    },
  };
}
