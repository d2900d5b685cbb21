import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PredictionSignal } from '../../../../src/core/generations/event-bus.js';
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

  it('carries a webhook’s final snapshot on the prediction channel to every process, apart from events and group signals', async () => {
    const logger = pino({ level: 'silent' });
    const [web, worker, otherWorker] = [
      createRedisEventBus({ url: redis.url, logger, prefix: 'bus3' }),
      createRedisEventBus({ url: redis.url, logger, prefix: 'bus3' }),
      createRedisEventBus({ url: redis.url, logger, prefix: 'bus3' }),
    ];
    const elsewhere = createRedisEventBus({ url: redis.url, logger, prefix: 'other3' });
    try {
      await Promise.all([web.ready, worker.ready, otherWorker.ready, elsewhere.ready]);
      const heard = { worker: [] as PredictionSignal[], otherWorker: [] as PredictionSignal[] };
      const strays: unknown[] = [];
      worker.subscribePredictions((signal) => heard.worker.push(signal));
      otherWorker.subscribePredictions((signal) => heard.otherWorker.push(signal));
      worker.subscribe((e) => strays.push(e));
      worker.subscribeGroups((s) => strays.push(s));
      elsewhere.subscribePredictions((signal) => strays.push(signal));
      const signal: PredictionSignal = {
        type: 'prediction-final',
        generationId: 'g_3',
        prediction: {
          id: 'p_3',
          status: 'succeeded',
          output: 'https://replicate.delivery/p_3.mp4',
          metrics: { predict_time: 4.5 },
        } as PredictionSignal['prediction'],
      };
      web.publishPrediction(signal);
      // An event after it: once that arrived, the signal (published first) had its chance too.
      web.publish(event('g_3', 100));
      await vi.waitFor(() => expect(strays).toHaveLength(1), { timeout: 5000, interval: 10 });
      await vi.waitFor(() => expect(heard.otherWorker).toHaveLength(1), { timeout: 5000, interval: 10 });
      expect(heard.worker).toEqual([signal]);
      expect(heard.otherWorker).toEqual([signal]);
      // Only the event reached the event listener; no group listener nor another deployment heard it.
      expect(strays).toEqual([event('g_3', 100)]);

      const unsubscribe = worker.subscribePredictions(() => strays.push('second listener'));
      unsubscribe();
      web.publishPrediction({ ...signal, generationId: 'g_4' });
      await vi.waitFor(() => expect(heard.worker).toHaveLength(2), { timeout: 5000, interval: 10 });
      expect(heard.worker[1]!.generationId).toBe('g_4');
      expect(strays).toHaveLength(1);
    } finally {
      await Promise.all([web.close(), worker.close(), otherWorker.close(), elsewhere.close()]);
    }
  });
});
