/**
 * Which Discord gateway shards one bot process runs (DISCORD_SHARDS, DISCORD_SHARD_IDS). Discord
 * requires sharding past 2,500 guilds; splitting the shards over processes splits the guilds.
 */
export interface ShardPlan {
  /** Shards in all: `auto` asks Discord for its recommended count (every shard in this process). */
  count: number | 'auto';
  /** The shards this process runs, when it runs only some of them. */
  ids?: number[];
}

/** More shards than any bot needs: a typo guard, not a Discord limit. */
const maxShards = 10_000;

/**
 * Reads DISCORD_SHARDS (`auto` or a number) and DISCORD_SHARD_IDS (`0,2` or `0-3`). Each problem is
 * pushed as one sentence that says how to fix it; undefined when sharding is off.
 */
export function readShardPlan(
  countText: string | undefined,
  idsText: string | undefined,
  problems: string[],
): ShardPlan | undefined {
  if (countText === undefined) {
    if (idsText !== undefined)
      problems.push(
        'DISCORD_SHARD_IDS is set but DISCORD_SHARDS is not: set DISCORD_SHARDS to the number of shards in all, such as 4',
      );
    return undefined;
  }
  const text = countText.trim().toLowerCase();
  let count: number | 'auto';
  if (text === 'auto') count = 'auto';
  else if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= maxShards) count = Number(text);
  else {
    problems.push(`DISCORD_SHARDS must be auto or a number of shards from 1 to ${maxShards}, such as 4`);
    return undefined;
  }
  if (idsText === undefined) return { count };
  if (count === 'auto') {
    problems.push(
      'DISCORD_SHARD_IDS needs DISCORD_SHARDS to be the number of shards in all (such as 4), not auto, so every process numbers the shards alike',
    );
    return undefined;
  }
  const ids = parseIds(idsText);
  if (!ids) {
    problems.push('DISCORD_SHARD_IDS must list shard numbers such as 0,1 or a range such as 0-3');
    return undefined;
  }
  const outside = ids.filter((id) => id >= count);
  if (outside.length > 0) {
    problems.push(
      `DISCORD_SHARD_IDS has ${outside.join(', ')}, but DISCORD_SHARDS=${count} numbers the shards 0 to ${count - 1}`,
    );
    return undefined;
  }
  return { count, ids };
}

function parseIds(text: string): number[] | undefined {
  const ids = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to || to - from > maxShards) return undefined;
      for (let id = from; id <= to; id++) ids.add(id);
    } else if (/^\d+$/.test(part)) ids.add(Number(part));
    else return undefined;
  }
  return ids.size > 0 ? [...ids].sort((a, b) => a - b) : undefined;
}
