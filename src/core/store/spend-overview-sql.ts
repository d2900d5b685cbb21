import type { RefusalCount, SpendLeader, SpendOverviewRows } from '../generations/spend/overview.js';
import type { Platform } from '../generations/types.js';

/*
 * The operator's aggregates, as SQL both engines read alike (FILTER, quoted aliases, integer
 * division of BIGINT and INTEGER): ./spend-overview.ts and ./postgres/spend-overview.ts bind the
 * span their own way. Each query walks the created_at index over the span once.
 */

/** The spend of the rows in a group: dollars and seconds billed (failed runs too), videos made. */
export const spendColumns = `
  coalesce(sum(cost_usd), 0) AS "costUsd",
  coalesce(sum(predict_time), 0) AS "gpuSeconds",
  count(*) FILTER (WHERE source = 'replicate' AND status = 'succeeded') AS videos,
  count(*) FILTER (WHERE predict_time IS NOT NULL AND cost_usd IS NULL) AS unpriced,
  count(*) FILTER (WHERE source = 'simulation' AND status = 'succeeded') AS simulations,
  coalesce(sum(cpu_seconds), 0) AS "cpuSeconds"`;

/** Largest spend first: dollars, then seconds, then videos. */
export const leaderOrder = `ORDER BY "costUsd" DESC, "gpuSeconds" DESC, videos DESC`;

/** The five queries, with `$since`, `$until` and `$top` where each engine puts its parameters. */
export const overviewQueries = {
  days: `SELECT (created_at / 86400000) * 86400000 AS day, ${spendColumns}
    FROM generations WHERE created_at >= $since AND created_at < $until
    GROUP BY created_at / 86400000 ORDER BY day`,
  topUsers: `SELECT platform, user_id AS id, max(user_name) AS name, ${spendColumns}
    FROM generations WHERE created_at >= $since AND created_at < $until
    GROUP BY platform, user_id ${leaderOrder}, platform, user_id LIMIT $top`,
  topModels: `SELECT model AS id, ${spendColumns}
    FROM generations WHERE created_at >= $since AND created_at < $until
    GROUP BY model ${leaderOrder}, model LIMIT $top`,
  topServers: `SELECT platform, workspace_id AS id, ${spendColumns}
    FROM generations WHERE created_at >= $since AND created_at < $until AND workspace_id IS NOT NULL
    GROUP BY platform, workspace_id ${leaderOrder}, platform, workspace_id LIMIT $top`,
  refusals: `SELECT code, count(*) AS count, max(created_at) AS "lastAt"
    FROM refusals WHERE created_at >= $since AND created_at < $until
    GROUP BY code ORDER BY count DESC, code`,
} as const;

type Row = Record<string, unknown>;

const totalsOf = (row: Row) => ({
  costUsd: Number(row.costUsd),
  gpuSeconds: Number(row.gpuSeconds),
  videos: Number(row.videos),
  unpriced: Number(row.unpriced),
  simulations: Number(row.simulations),
  cpuSeconds: Number(row.cpuSeconds),
});

function leaderOf(row: Row): SpendLeader {
  return {
    ...(row.platform ? { platform: row.platform as Platform } : {}),
    id: String(row.id),
    ...(row.name ? { name: String(row.name) } : {}),
    ...totalsOf(row),
  };
}

/** Turns the five queries' rows into the port's answer. */
export function overviewOf(rows: Record<keyof typeof overviewQueries, Row[]>): SpendOverviewRows {
  return {
    days: rows.days.map((row) => ({ day: Number(row.day), ...totalsOf(row) })),
    topUsers: rows.topUsers.map(leaderOf),
    topModels: rows.topModels.map(leaderOf),
    topServers: rows.topServers.map(leaderOf),
    refusals: rows.refusals.map(
      (row): RefusalCount => ({
        code: String(row.code),
        count: Number(row.count),
        lastAt: Number(row.lastAt),
      }),
    ),
  };
}
