import type { Redis } from 'ioredis';

/**
 * Running jobs, counted in Redis so the limits hold across every process: one sorted set of all
 * running jobs and one per owner, each member scored by when its lease ends. A worker renews the
 * lease while the job runs; a worker that dies (kill -9) stops renewing, and its slots free
 * themselves once the lease ends, the same time BullMQ takes to hand its job to another worker.
 */
export interface Slots {
  /**
   * Takes a slot for `id` if both limits allow: `taken`, or `full` (the global limit) or `owner`
   * (the owner's limit). A job that already holds a slot (taken again after its worker stalled)
   * keeps it.
   */
  take(id: string, owner: string | undefined): Promise<'taken' | 'full' | 'owner'>;
  /** Pushes the leases of running jobs further, all in one round trip. */
  renew(jobs: readonly { id: string; owner: string | undefined }[]): Promise<void>;
  release(id: string, owner: string | undefined): Promise<void>;
  /** Jobs of `owner` running now, in any process. */
  runningOf(owner: string): Promise<number>;
}

// One script, so that two workers checking at the same moment cannot both take the last slot.
const takeScript = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local held = redis.call('ZSCORE', KEYS[1], ARGV[3])
if not held then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 'full' end
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 'owner' end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 'taken'
`;

// Renewal and release as one script each: one round trip instead of a MULTI, its commands and
// EXEC. A renewal covers every job a process runs (KEYS[i + 1] is the owner key of ARGV[i + 2]),
// so its cost grows with the processes, not with the jobs in flight.
const renewScript = `
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i])
  redis.call('ZADD', KEYS[i - 1], 'XX', ARGV[1], ARGV[i])
  redis.call('PEXPIRE', KEYS[i - 1], ARGV[2])
end
`;
const releaseScript = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
`;

/** Slots under `prefix` in Redis, with at most `total` running and `perUser` of one owner. */
export function createSlots(options: {
  redis: Redis;
  prefix: string;
  total: number;
  perUser?: number;
  leaseMs: number;
  clock?: () => number;
}): Slots {
  const { redis, prefix, leaseMs } = options;
  const clock = options.clock ?? Date.now;
  const all = `${prefix}:slots:all`;
  // A job without an owner is limited by the global count only: its own key never fills.
  const ownerKey = (id: string, owner: string | undefined) =>
    owner === undefined ? `${prefix}:slots:job:${id}` : `${prefix}:slots:owner:${owner}`;
  const perUser = options.perUser ?? Number.MAX_SAFE_INTEGER;

  return {
    async take(id, owner) {
      const now = clock();
      const answer = await redis.eval(
        takeScript,
        2,
        all,
        ownerKey(id, owner),
        now,
        now + leaseMs,
        id,
        options.total,
        owner === undefined ? Number.MAX_SAFE_INTEGER : perUser,
        leaseMs * 2,
      );
      return answer as 'taken' | 'full' | 'owner';
    },
    async renew(jobs) {
      if (jobs.length === 0) return;
      await redis.eval(
        renewScript,
        1 + jobs.length,
        all,
        ...jobs.map((job) => ownerKey(job.id, job.owner)),
        clock() + leaseMs,
        leaseMs * 2,
        ...jobs.map((job) => job.id),
      );
    },
    async release(id, owner) {
      await redis.eval(releaseScript, 2, all, ownerKey(id, owner), id);
    },
    async runningOf(owner) {
      return redis.zcount(ownerKey('', owner), clock(), '+inf');
    },
  };
}
