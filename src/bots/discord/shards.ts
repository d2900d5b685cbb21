import type { ClientOptions } from 'discord.js';
import type { ShardPlan } from '../../core/shard-plan.js';

/** The discord.js client options that run the shards of `plan` in this process. */
export function clientShardOptions(
  plan: ShardPlan | undefined,
): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (!plan) return {};
  if (plan.count === 'auto') return { shards: 'auto' };
  const ids = plan.ids ?? Array.from({ length: plan.count }, (_, id) => id);
  return { shards: ids, shardCount: plan.count };
}

/** Discord's rule: a guild lives on shard `(guild_id >> 22) % shards`; direct messages on shard 0. */
export function shardOfGuild(guildId: string | undefined, count: number): number {
  if (!guildId) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/**
 * Whether this process answers for a guild (undefined: a direct message). Every bot process hears
 * every generation's events (through the shared event bus); only the one whose shards hold the
 * guild edits its status message, or each message would be edited, and the video posted, once
 * per process.
 */
export function createShardOwnership(plan: ShardPlan | undefined): (guildId: string | undefined) => boolean {
  const ids = plan?.count === 'auto' ? undefined : plan?.ids;
  if (!plan || plan.count === 'auto' || !ids) return () => true;
  const mine = new Set(ids);
  const count = plan.count;
  return (guildId) => mine.has(shardOfGuild(guildId, count));
}

/** Whether this process registers the slash commands: one process does it, the one with shard 0. */
export function registersCommands(plan: ShardPlan | undefined): boolean {
  return createShardOwnership(plan)(undefined);
}
