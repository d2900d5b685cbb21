import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Job, JobPerformer } from '../../../../src/core/generations/job-queue.js';
import type { QueuePlace } from '../../../../src/core/generations/user-limits.js';
import { type BullmqJobRunner, createBullmqJobRunner } from '../../../../src/core/redis/bullmq-runner.js';
import { type RedisServer, startRedisServer } from '../../../support/redis-server.js';

let redis: RedisServer;
const runners: BullmqJobRunner[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});
afterAll(async () => {
  await redis?.stop();
});

/** Runners sharing one private prefix, as processes of one deployment do. */
function deployment(limits: { total: number; perUser?: number }) {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  return () => {
    const runner = createBullmqJobRunner({
      url: redis.url,
      prefix,
      ...limits,
      holdMs: 100,
      logger: pino({ level: 'silent' }),
    });
    runners.push(runner);
    return runner;
  };
}

/** A performer whose jobs run until the test ends them, recording who ran what and how many at once. */
function workload() {
  const ends = new Map<string, () => void>();
  const signals = new Map<string, AbortSignal>();
  const started: string[] = [];
  let running = 0;
  let most = 0;
  const perform =
    (who: string): JobPerformer =>
    (job: Job, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        started.push(`${job.id}@${who}`);
        running++;
        most = Math.max(most, running);
        signals.set(job.id, signal);
        const end = () => {
          running--;
          ends.delete(job.id);
          resolve();
        };
        ends.set(job.id, end);
        signal.addEventListener('abort', end, { once: true });
      });
  return {
    perform,
    started,
    signals,
    ids: () => started.map((entry) => entry.split('@')[0]),
    running: () => [...ends.keys()].sort(),
    finish: (id: string) => ends.get(id)!(),
    get most() {
      return most;
    },
  };
}

const job = (id: string, owner: string, kind: Job['kind'] = 'generation'): Job => ({ id, owner, kind });
const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

describe('the BullMQ job runner on a real redis-server', { timeout: 30_000 }, () => {
  it('keeps MAX_JOBS_TOTAL across two processes and both queues', async () => {
    const make = deployment({ total: 2 });
    const [a, b] = [make(), make()];
    const work = workload();
    a.work(work.perform('a'));
    b.work(work.perform('b'));
    const places = new Map<string, QueuePlace>();
    a.onQueueChange((moved) => {
      for (const [id, place] of moved) places.set(id, place);
    });
    a.submit(job('g_1', 'u1'));
    a.submit(job('r_1', 'u2', 'render'));
    a.submit(job('g_2', 'u3'));
    a.submit(job('r_2', 'u4', 'render'));
    await waitFor(() => expect(work.running()).toHaveLength(2));
    // The other two are told a place in line while the first two run.
    await waitFor(() => expect(places.size).toBeGreaterThanOrEqual(1));
    for (const id of work.running()) work.finish(id);
    await waitFor(() => expect(work.running()).toHaveLength(2));
    for (const id of work.running()) work.finish(id);
    await waitFor(() => expect(new Set(work.ids())).toEqual(new Set(['g_1', 'r_1', 'g_2', 'r_2'])));
    expect(work.most).toBe(2);
  });

  it('keeps the per-user limit: a second job of one person waits, another person’s runs', async () => {
    const make = deployment({ total: 5, perUser: 1 });
    const [a, b] = [make(), make()];
    const work = workload();
    a.work(work.perform('a'));
    b.work(work.perform('b'));
    const places = new Map<string, QueuePlace>();
    a.onQueueChange((moved) => {
      for (const [id, place] of moved) places.set(id, place);
    });
    a.submit(job('g_a1', 'discord:ann'));
    await waitFor(() => expect(work.running()).toEqual(['g_a1']));
    a.submit(job('g_a2', 'discord:ann'));
    a.submit(job('g_b1', 'discord:bob'));
    await waitFor(() => expect(work.running()).toEqual(['g_a1', 'g_b1']));
    await waitFor(() => expect(places.get('g_a2')).toEqual({ position: 1, ownAhead: 1 }));
    expect(a.place('g_a2')).toEqual({ position: 1, ownAhead: 1 });
    work.finish('g_a1');
    await waitFor(() => expect(work.running()).toEqual(['g_a2', 'g_b1']));
    expect(work.ids().filter((id) => id === 'g_a2')).toHaveLength(1);
  });

  it('cancel drops a waiting job and aborts a running one in another process', async () => {
    const make = deployment({ total: 1 });
    const [bot, worker] = [make(), make()];
    const work = workload();
    worker.work(work.perform('worker'));
    bot.submit(job('g_run', 'u1'));
    await waitFor(() => expect(work.running()).toEqual(['g_run']));
    bot.submit(job('g_wait', 'u2'));
    await bot.settled();
    expect(bot.cancel('g_wait')).toBe(true);
    await bot.settled();
    bot.submit(job('g_next', 'u3'));
    await bot.settled();

    bot.cancel('g_run');
    await waitFor(() => expect(work.signals.get('g_run')?.aborted).toBe(true));
    await waitFor(() => expect(work.running()).toEqual(['g_next']));
    work.finish('g_next');
    // First in, first out: had the canceled job still waited, it would have run before g_next.
    expect(work.ids()).toEqual(['g_run', 'g_next']);
  });

  it('runs a generation submitted twice (two processes resuming) once', async () => {
    const make = deployment({ total: 1 });
    const [a, b] = [make(), make()];
    const work = workload();
    a.work(work.perform('a'));
    a.submit(job('g_same', 'u1'));
    b.submit(job('g_same', 'u1'));
    await Promise.all([a.settled(), b.settled()]);
    a.submit(job('g_after', 'u2'));
    await waitFor(() => expect(work.running()).toEqual(['g_same']));
    work.finish('g_same');
    await waitFor(() => expect(work.running()).toEqual(['g_after']));
    work.finish('g_after');
    expect(work.ids()).toEqual(['g_same', 'g_after']);
  });

  it('hands a job a closing process was running to another process', async () => {
    const make = deployment({ total: 1 });
    const [first, second] = [make(), make()];
    const work = workload();
    first.work(work.perform('first'));
    first.submit(job('g_moving', 'u1'));
    await waitFor(() => expect(work.started).toEqual(['g_moving@first']));
    second.work(work.perform('second'));
    await first.close();
    await waitFor(() => expect(work.started).toEqual(['g_moving@first', 'g_moving@second']));
    work.finish('g_moving');
  });
});
