import type { Queue } from 'bullmq';
import type { Job } from '../generations/job-queue.js';
import type { QueuePlace } from '../generations/user-limits.js';

/** What a place in line needs of a job: fixed when it is added, so read once. */
interface Entry {
  timestamp: number;
  owner?: string;
}

/** Reads where each waiting job of one queue stands. */
export type PlaceReader = (options: {
  perUser?: number;
  runningOf(owner: string): Promise<number>;
}) => Promise<Map<string, QueuePlace>>;

/**
 * Where each waiting job of a BullMQ queue stands: its place among the jobs not yet running
 * (waiting, or held back in `delayed` by a limit), oldest request first, and how many of its
 * owner's jobs are ahead when the owner's limit is what holds it. Each read asks Redis for the ids
 * in line (one round trip) and fetches only the jobs it has not seen before: reading every waiting
 * job's hash on each move made a burst cost Redis the square of its size.
 */
export function createPlaceReader(queue: Queue<Job>): PlaceReader {
  const known = new Map<string, Entry>();
  return async (options) => {
    const ids = await queue.getRanges(['wait', 'prioritized', 'delayed'], 0, -1, true);
    const inLine = new Set(ids);
    for (const id of known.keys()) if (!inLine.has(id)) known.delete(id);
    const fresh = ids.filter((id) => !known.has(id));
    const read = await Promise.all(fresh.map((id) => queue.getJob(id)));
    for (const job of read)
      if (job?.id !== undefined) known.set(job.id, { timestamp: job.timestamp, owner: job.data.owner });
    // Held jobs go back to `delayed` and return to the end of the wait list; the time of the
    // request is their real place in line. A job gone between the two reads has no place.
    const jobs = ids
      .filter((id) => known.has(id))
      .map((id) => ({ id, ...known.get(id)! }))
      .sort((a, b) => a.timestamp - b.timestamp);
    const places = new Map<string, QueuePlace>();
    const running = new Map<string, number>();
    const seen = new Map<string, number>();
    for (const [index, job] of jobs.entries()) {
      const { owner } = job;
      const position = index + 1;
      if (owner === undefined || options.perUser === undefined) {
        places.set(job.id, { position });
        continue;
      }
      if (!running.has(owner)) running.set(owner, await options.runningOf(owner));
      const ahead = running.get(owner)! + (seen.get(owner) ?? 0);
      seen.set(owner, (seen.get(owner) ?? 0) + 1);
      places.set(job.id, ahead >= options.perUser ? { position, ownAhead: ahead } : { position });
    }
    return places;
  };
}
