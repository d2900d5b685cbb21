import type { Database } from 'better-sqlite3';

/**
 * How long each model's predictions took, from Replicate's `metrics.predict_time`, kept with the
 * generation (migration 4), for the status message's time-left estimate.
 */
export function createRunHistory(db: Database) {
  const record = db.prepare<[number, string]>('UPDATE generations SET predict_time = ? WHERE id = ?');
  // Served by generations_model_status_created: model and status, newest first, stopping at the limit.
  const recent = db.prepare<[string, number], { predict_time: number }>(
    `SELECT predict_time FROM generations
      WHERE model = ? AND status = 'succeeded' AND predict_time IS NOT NULL
      ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
  return {
    /** Keeps how long Replicate ran a generation's prediction, in seconds. */
    async recordPredictTime(id: string, seconds: number): Promise<void> {
      record.run(seconds, id);
    },
    /** The run times (seconds) of the model's newest `limit` successes, newest first. */
    async recentPredictTimes(model: string, limit: number): Promise<number[]> {
      return recent.all(model, limit).map((row) => row.predict_time);
    },
  };
}

export type RunHistory = ReturnType<typeof createRunHistory>;
