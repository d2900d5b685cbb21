import type { Logger } from 'pino';
import { type AdmissionQueue, createAdmissionQueue, type QueuePlace } from './user-limits.js';

/** Which queue a job belongs to: Replicate tracking (cheap, mostly waiting) or a physics render (CPU). */
export type JobKind = 'generation' | 'render';

/**
 * One unit of work, as data: a generation from its start until it is final (or the runner
 * closes). Everything else the work needs is in the store under `id`, so a job can be handed to
 * another process (a Redis queue) and continued there.
 */
export interface Job {
  /** The generation id; submitting the same id twice is one job. */
  id: string;
  /** Whose job it is (platform and user): at most `perUser` of one owner run at once. */
  owner?: string;
  kind: JobKind;
}

/**
 * Does a job's work; returns when done, or soon after `signal` aborts (shutdown, cancel). Given
 * to the runner by a process that can run jobs (`reelbot start`, `reelbot worker`); a process
 * that only submits (a bot with REDIS_URL) gives none.
 */
export type JobPerformer = (job: Job, signal: AbortSignal) => Promise<void>;

/**
 * Runs generation jobs under the global limit, in order. The in-process runner below serves one
 * machine; the BullMQ runner (`core/redis/`) implements the same interface so that workers on
 * many machines share the work (docs/architecture.md, "Growing past one machine"). Jobs keep their
 * state in the store, so whichever worker runs a job continues from there.
 */
export interface JobRunner {
  /**
   * Queues a job behind the global and per-owner limits, first in first out; returns its 1-based
   * queue position, or 0 when it starts now. `resumed` jobs (already running on Replicate) start at once.
   * A shared queue returns 0 and tells the place through `onQueueChange` once Redis answered.
   */
  submit(job: Job, options?: { resumed?: boolean }): number;
  /** Starts taking jobs and performing them with `perform`. Called once, by a process that can. */
  work(perform: JobPerformer): void;
  /** Stops a job: drops it from the queue, or aborts it when running. True when it was known. */
  cancel(id: string): boolean;
  /** 1-based place in the queue, 0 when running, undefined when unknown. */
  position(id: string): number | undefined;
  /** Where a waiting job stands; undefined when it runs or is unknown. */
  place(id: string): QueuePlace | undefined;
  /** Called with the new place of every waiting job whenever the queue moves. */
  onQueueChange(listener: (places: ReadonlyMap<string, QueuePlace>) => void): () => void;
  /** Takes no more jobs, aborts running ones and waits for them to return. Waiting jobs stay undone. */
  close(): Promise<void>;
}

/** The in-process runner: jobs are promises in this process; the limit is counted here. */
export function createInProcessJobRunner(options: {
  total: number;
  /** Running jobs of one owner; unlimited when absent. */
  perUser?: number;
  logger: Logger;
}): JobRunner {
  const queue: AdmissionQueue = createAdmissionQueue({ total: options.total, perUser: options.perUser });
  const jobs = new Map<string, Job>();
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const listeners = new Set<(places: ReadonlyMap<string, QueuePlace>) => void>();
  let closed = false;
  let perform: JobPerformer | undefined;
  // Admitted before a performer was given: they start when `work` is called.
  const admittedEarly: string[] = [];

  // What each waiting job was last told, so a job end re-announces only places that moved: every
  // announcement edits a chat message, and platforms rate-limit edits.
  const told = new Map<string, string>();
  const keyOf = (place: QueuePlace) => `${place.position}:${place.ownAhead ?? ''}`;
  function announce() {
    const places = new Map<string, QueuePlace>();
    const waiting = new Set(queue.waiting());
    for (const id of told.keys()) if (!waiting.has(id)) told.delete(id);
    for (const id of waiting) {
      const place = queue.place(id)!;
      const key = keyOf(place);
      if (told.get(id) === key) continue;
      told.set(id, key);
      places.set(id, place);
    }
    if (places.size === 0) return;
    for (const listener of listeners) listener(places);
  }

  function launch(id: string) {
    const job = jobs.get(id);
    if (!job || closed) return;
    const performer = perform;
    if (!performer) {
      admittedEarly.push(id);
      return;
    }
    const controller = new AbortController();
    const done = (async () => {
      try {
        await performer(job, controller.signal);
      } catch (error) {
        options.logger.error({ generationId: id, err: error }, 'job ended with an error');
      } finally {
        running.delete(id);
        jobs.delete(id);
        if (!closed) {
          const admitted = queue.release(id);
          for (const next of admitted) launch(next);
          // Even with nobody admitted (resumed work above the limit), an owner's count may have moved.
          announce();
        }
      }
    })();
    running.set(id, { controller, done });
  }

  return {
    submit(job, submitOptions = {}) {
      if (closed) throw new Error('job runner is closed');
      if (jobs.has(job.id)) return queue.position(job.id) ?? 0;
      jobs.set(job.id, job);
      const position = queue.push(job.id, { owner: job.owner, admitted: submitOptions.resumed });
      // The caller tells a new job its place; later announcements only say what moved.
      if (position > 0) told.set(job.id, keyOf(queue.place(job.id)!));
      if (position === 0) launch(job.id);
      return position;
    },
    work(performer) {
      perform = performer;
      for (const id of admittedEarly.splice(0)) launch(id);
    },
    cancel(id) {
      const active = running.get(id);
      if (active) {
        active.controller.abort(new Error('canceled'));
        return true;
      }
      if (!jobs.has(id)) return false;
      jobs.delete(id);
      queue.release(id);
      announce();
      return true;
    },
    position: (id) => queue.position(id),
    place: (id) => queue.place(id),
    onQueueChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      for (const { controller } of running.values()) controller.abort(new Error('shutting down'));
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
