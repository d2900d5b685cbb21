import type { Database } from 'better-sqlite3';
import type { SpendLedger, SpendRecord, UsageScope, UsageTotals } from '../generations/spend/ledger.js';

/**
 * Spend kept with each generation (migration 5) and summed for quotas and `/usage`. Usage counts
 * from the generations themselves: a video counts from the moment it is recorded, and one that
 * fails or is canceled stops counting, so there is no separate ledger to keep in step.
 */
export function createSpendQueries(db: Database): SpendLedger {
  const record = db.prepare<Record<string, unknown>>(
    `UPDATE generations SET predict_time = coalesce(@predictTime, predict_time),
       metrics_json = coalesce(@other, metrics_json), cpu_seconds = coalesce(@cpuSeconds, cpu_seconds),
       cost_usd = coalesce(@costUsd, cost_usd)
     WHERE id = @id`,
  );
  // Served by generations_user_created and generations_workspace_created: one range of created_at.
  const totals = db.prepare<Record<string, unknown>, Omit<UsageTotals, never>>(
    `SELECT
       count(*) FILTER (WHERE source = 'replicate') AS videos,
       coalesce(sum(predict_time) FILTER (WHERE source = 'replicate'), 0) AS gpuSeconds,
       coalesce(sum(cost_usd), 0) AS costUsd,
       count(*) FILTER (WHERE source = 'replicate' AND predict_time IS NOT NULL AND cost_usd IS NULL) AS unpriced,
       count(*) FILTER (WHERE source = 'simulation') AS simulations,
       coalesce(sum(cpu_seconds), 0) AS cpuSeconds
     FROM generations
     WHERE created_at >= @since AND status NOT IN ('failed', 'canceled') AND platform = @platform
       AND (@userId IS NULL OR user_id = @userId) AND (@workspaceId IS NULL OR workspace_id = @workspaceId)`,
  );
  return {
    /** Keeps what a generation used; fields left out keep what was recorded before. */
    async recordSpend(id: string, spend: SpendRecord): Promise<void> {
      record.run({
        id,
        predictTime: spend.predictTime ?? null,
        other: spend.other && Object.keys(spend.other).length > 0 ? JSON.stringify(spend.other) : null,
        cpuSeconds: spend.cpuSeconds ?? null,
        costUsd: spend.costUsd ?? null,
      });
    },
    /** What `scope` used since `since` (ms). */
    async usageSince(scope: UsageScope, since: number): Promise<UsageTotals> {
      return totals.get({
        since,
        platform: scope.platform,
        userId: scope.userId ?? null,
        workspaceId: scope.workspaceId ?? null,
      })!;
    },
  };
}
