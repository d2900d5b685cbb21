import { sql } from 'kysely';
import type { SpendLedger, SpendRecord, UsageScope, UsageTotals } from '../../generations/spend/ledger.js';
import type { PostgresDatabase } from './database.js';

/**
 * Spend and run times kept with each generation, on PostgreSQL: the same queries as ../spend.ts and
 * ../run-history.ts, served by the same indexes.
 */
export function createPostgresSpendQueries(db: PostgresDatabase): SpendLedger & {
  recordPredictTime(id: string, seconds: number): Promise<void>;
  recentPredictTimes(model: string, limit: number): Promise<number[]>;
} {
  return {
    async recordSpend(id: string, spend: SpendRecord): Promise<void> {
      const other = spend.other && Object.keys(spend.other).length > 0 ? JSON.stringify(spend.other) : null;
      await sql`
        UPDATE generations SET predict_time = coalesce(${spend.predictTime ?? null}::double precision, predict_time),
          metrics_json = coalesce(${other}::text, metrics_json),
          cpu_seconds = coalesce(${spend.cpuSeconds ?? null}::double precision, cpu_seconds),
          cost_usd = coalesce(${spend.costUsd ?? null}::double precision, cost_usd)
        WHERE id = ${id}`.execute(db);
    },

    async usageSince(scope: UsageScope, since: number): Promise<UsageTotals> {
      const userId = scope.userId ?? null;
      const workspaceId = scope.workspaceId ?? null;
      const { rows } = await sql<UsageTotals>`
        SELECT
          count(*) FILTER (WHERE source = 'replicate') AS videos,
          coalesce(sum(predict_time) FILTER (WHERE source = 'replicate'), 0) AS "gpuSeconds",
          coalesce(sum(cost_usd), 0) AS "costUsd",
          count(*) FILTER (WHERE source = 'replicate' AND predict_time IS NOT NULL AND cost_usd IS NULL) AS unpriced,
          count(*) FILTER (WHERE source = 'simulation') AS simulations,
          coalesce(sum(cpu_seconds), 0) AS "cpuSeconds"
        FROM generations
        WHERE created_at >= ${since} AND status NOT IN ('failed', 'canceled') AND platform = ${scope.platform}
          AND (${userId}::text IS NULL OR user_id = ${userId})
          AND (${workspaceId}::text IS NULL OR workspace_id = ${workspaceId})`.execute(db);
      return rows[0]!;
    },

    async recordPredictTime(id: string, seconds: number): Promise<void> {
      await db.updateTable('generations').set({ predict_time: seconds }).where('id', '=', id).execute();
    },

    async recentPredictTimes(model: string, limit: number): Promise<number[]> {
      const rows = await db
        .selectFrom('generations')
        .select('predict_time')
        .where('model', '=', model)
        .where('status', '=', 'succeeded')
        .where('predict_time', 'is not', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => row.predict_time!);
    },
  };
}
