import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GenerationEvent } from '../../../../src/core/generations/types.js';
import { createRedisEventBus } from '../../../../src/core/redis/event-bus.js';
import { type RedisServer, startRedisServer } from '../../../support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const event = (id: string, percent: number) =>
  ({
    type: 'progress',
    percent,
    generation: { id, status: 'processing', createdAt: 1, updatedAt: 2 },
  }) as unknown as GenerationEvent;

describe('the Redis event bus', () => {
  it('delivers an event published in one process to every process, its own included, in order', async () => {
    const logger = pino({ level: 'silent' });
    const [worker, web] = [
      createRedisEventBus({ url: redis.url, logger, prefix: 'bus1' }),
      createRedisEventBus({ url: redis.url, logger, prefix: 'bus1' }),
    ];
    const elsewhere = createRedisEventBus({ url: redis.url, logger, prefix: 'other' });
    try {
      await Promise.all([worker.ready, web.ready, elsewhere.ready]);
      const seen = {
        worker: [] as GenerationEvent[],
        web: [] as GenerationEvent[],
        other: [] as GenerationEvent[],
      };
      worker.subscribe((e) => seen.worker.push(e));
      web.subscribe((e) => seen.web.push(e));
      elsewhere.subscribe((e) => seen.other.push(e));
      worker.publish(event('g_1', 10));
      worker.publish(event('g_1', 60));
      await vi.waitFor(() => expect(seen.web).toHaveLength(2), { timeout: 5000, interval: 10 });
      await vi.waitFor(() => expect(seen.worker).toHaveLength(2), { timeout: 5000, interval: 10 });
      expect(seen.web).toEqual([event('g_1', 10), event('g_1', 60)]);
      expect(seen.worker).toEqual(seen.web);
      // Another deployment on the same Redis (another prefix) hears nothing of it.
      expect(seen.other).toEqual([]);
    } finally {
      await Promise.all([worker.close(), web.close(), elsewhere.close()]);
    }
  });

  it('carries group signals to every process on their own channel, apart from generation events', async () => {
    const logger = pino({ level: 'silent' });
    const [worker, bot] = [
      createRedisEventBus({ url: redis.url, logger, prefix: 'bus2' }),
      createRedisEventBus({ url: redis.url, logger, prefix: 'bus2' }),
    ];
    try {
      await Promise.all([worker.ready, bot.ready]);
      const signals: string[] = [];
      const events: GenerationEvent[] = [];
      bot.subscribeGroups((signal) => signals.push(`${signal.type}:${signal.groupId}`));
      bot.subscribe((e) => events.push(e));
      worker.publishGroup({ type: 'group-finished', groupId: 'grp_1' });
      worker.publish(event('g_2', 5));
      await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 5000, interval: 10 });
      await vi.waitFor(() => expect(signals).toEqual(['group-finished:grp_1']), {
        timeout: 5000,
        interval: 10,
      });
      expect(events).toEqual([event('g_2', 5)]);
    } finally {
      await Promise.all([worker.close(), bot.close()]);
    }
  });
});
