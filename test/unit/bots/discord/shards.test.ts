import { describe, expect, it } from 'vitest';
import {
  clientShardOptions,
  createShardOwnership,
  registersCommands,
  shardOfGuild,
} from '../../../../src/bots/discord/shards.js';

/** A guild id whose timestamp part is `ms` (Discord ids keep it above bit 22). */
const guildAt = (ms: number) => ((BigInt(ms) << 22n) | 0x2a_000n).toString();

describe('Discord shards', () => {
  it('places a guild on shard (id >> 22) % count, and direct messages on shard 0', () => {
    expect(shardOfGuild(guildAt(10), 4)).toBe(2);
    expect(shardOfGuild(guildAt(11), 4)).toBe(3);
    expect(shardOfGuild(guildAt(12), 1)).toBe(0);
    expect(shardOfGuild(undefined, 4)).toBe(0);
  });

  it('gives discord.js the shards this process runs', () => {
    expect(clientShardOptions(undefined)).toEqual({});
    expect(clientShardOptions({ count: 'auto' })).toEqual({ shards: 'auto' });
    expect(clientShardOptions({ count: 3 })).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(clientShardOptions({ count: 4, ids: [1, 3] })).toEqual({ shards: [1, 3], shardCount: 4 });
  });

  it('answers only for the guilds of its own shards; without a split, for every guild', () => {
    const owns = createShardOwnership({ count: 4, ids: [1, 3] });
    expect(owns(guildAt(9))).toBe(true);
    expect(owns(guildAt(11))).toBe(true);
    expect(owns(guildAt(10))).toBe(false);
    expect(owns(undefined)).toBe(false);
    for (const plan of [undefined, { count: 'auto' as const }, { count: 4 }])
      expect(createShardOwnership(plan)(guildAt(10))).toBe(true);
  });

  it('registers commands in exactly one process: the one with shard 0', () => {
    expect(registersCommands(undefined)).toBe(true);
    expect(registersCommands({ count: 4, ids: [0, 1] })).toBe(true);
    expect(registersCommands({ count: 4, ids: [2, 3] })).toBe(false);
  });
});
