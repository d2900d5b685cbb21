import type { Queue } from 'bullmq';
import type { Job } from '../generations/job-queue.js';
import type { QueuePlace } from '../generations/user-limits.js';

/**
 * Where each waiting job of a BullMQ queue stands: its place among the jobs not yet running
 * (waiting, or held back in `delayed` by a limit), oldest request first, and how many of its
 * owner's jobs are ahead when the owner's limit is what holds it.
 */
export async function placesIn(
  queue: Queue<Job>,
  options: { perUser?: number; runningOf(owner: string): Promise<number> },
): Promise<Map<string, QueuePlace>> {
  const jobs = (await queue.getJobs(['wait', 'prioritized', 'delayed'], 0, -1, true)).filter(
    (job) => job?.id !== undefined,
  );
  // Held jobs go back to `delayed` and return to the end of the wait list; the time of the
  // request is their real place in line.
  jobs.sort((a, b) => a.timestamp - b.timestamp);
  const places = new Map<string, QueuePlace>();
  const running = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const [index, job] of jobs.entries()) {
    const owner = job.data.owner;
    const position = index + 1;
    if (owner === undefined || options.perUser === undefined) {
      places.set(job.id!, { position });
      continue;
    }
    if (!running.has(owner)) running.set(owner, await options.runningOf(owner));
    const ahead = running.get(owner)! + (seen.get(owner) ?? 0);
    seen.set(owner, (seen.get(owner) ?? 0) + 1);
    places.set(job.id!, ahead >= options.perUser ? { position, ownAhead: ahead } : { position });
  }
  return places;
}
