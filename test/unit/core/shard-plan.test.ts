import { describe, expect, it } from 'vitest';
import { readShardPlan } from '../../../src/core/shard-plan.js';

const read = (count?: string, ids?: string) => {
  const problems: string[] = [];
  return { plan: readShardPlan(count, ids, problems), problems };
};

describe('readShardPlan', () => {
  it('is off when DISCORD_SHARDS is unset', () => {
    expect(read()).toEqual({ plan: undefined, problems: [] });
  });

  it('reads auto, a count, and ids as a list or a range', () => {
    expect(read('auto').plan).toEqual({ count: 'auto' });
    expect(read('4').plan).toEqual({ count: 4 });
    expect(read('4', '2, 0').plan).toEqual({ count: 4, ids: [0, 2] });
    expect(read('8', '4-7').plan).toEqual({ count: 8, ids: [4, 5, 6, 7] });
  });

  it('says how to fix each mistake', () => {
    expect(read(undefined, '0').problems[0]).toMatch(/DISCORD_SHARD_IDS is set but DISCORD_SHARDS is not/);
    expect(read('four').problems[0]).toMatch(/DISCORD_SHARDS must be auto or a number/);
    expect(read('0').problems[0]).toMatch(/from 1 to/);
    expect(read('auto', '0').problems[0]).toMatch(/not auto/);
    expect(read('4', '1,x').problems[0]).toMatch(/such as 0,1 or a range such as 0-3/);
    expect(read('4', '3-1').problems[0]).toMatch(/such as 0,1/);
    expect(read('2', '0-3').problems[0]).toBe(
      'DISCORD_SHARD_IDS has 2, 3, but DISCORD_SHARDS=2 numbers the shards 0 to 1',
    );
  });
});
