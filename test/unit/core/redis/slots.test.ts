import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlots } from '../../../../src/core/redis/slots.js';
import { type RedisServer, startRedisServer } from '../../../support/redis-server.js';

let redis: RedisServer;
let client: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('slots on a real redis-server', () => {
  it('renews the leases of every running job in one call, so none lapses while its worker lives', async () => {
    let now = 1_000_000;
    const slots = createSlots({
      redis: client,
      prefix: `s${randomBytes(4).toString('hex')}`,
      total: 2,
      perUser: 1,
      leaseMs: 1000,
      clock: () => now,
    });
    expect(await slots.take('g_1', 'discord:ann')).toBe('taken');
    expect(await slots.take('g_2', 'discord:bob')).toBe('taken');
    now += 900;
    await slots.renew([
      { id: 'g_1', owner: 'discord:ann' },
      { id: 'g_2', owner: 'discord:bob' },
    ]);
    // Past the first leases, inside the renewed ones: both slots and both owners' counts hold.
    now += 600;
    expect(await slots.take('g_3', 'discord:cy')).toBe('full');
    expect(await slots.runningOf('discord:ann')).toBe(1);
    expect(await slots.runningOf('discord:bob')).toBe(1);
    await slots.release('g_2', 'discord:bob');
    expect(await slots.take('g_4', 'discord:ann')).toBe('owner');
    expect(await slots.take('g_3', 'discord:cy')).toBe('taken');
    // Renewing nobody sends nothing; a job no longer renewed lapses after its lease.
    await slots.renew([]);
    now += 1100;
    expect(await slots.runningOf('discord:ann')).toBe(0);
    expect(await slots.take('g_4', 'discord:ann')).toBe('taken');
  });
});
