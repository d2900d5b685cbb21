import type { StatementCache } from './statement-cache.js';

/**
 * How long a webhook id is kept. Signatures older than five minutes are refused anyway
 * (`webhookToleranceMs`), so an hour covers every replay that could still pass, with room for
 * clock skew and Replicate's own retries.
 */
export const webhookReplayWindowMs = 60 * 60 * 1000;

/** Old ids are deleted at most this often, on the way of recording a new one. */
const pruneEveryMs = 60 * 1000;

/** Webhook delivery ids already handled, so a replay is not acted on twice. */
export function createWebhookDeliveries(
  prepared: StatementCache,
  clock: () => number,
  windowMs: number = webhookReplayWindowMs,
) {
  let prunedAt = Number.NEGATIVE_INFINITY;

  function pruneWebhooks(): number {
    prunedAt = clock();
    return prepared('DELETE FROM webhook_deliveries WHERE received_at < ?').run(prunedAt - windowMs).changes;
  }

  return {
    /** Whether a delivery id was handled before (a replay). */
    async seenWebhook(deliveryId: string): Promise<boolean> {
      return prepared('SELECT 1 FROM webhook_deliveries WHERE id = ?').get(deliveryId) !== undefined;
    },

    /**
     * Records a handled delivery id; false when it was recorded before. Ids older than the replay
     * window are deleted now and then on the way.
     */
    async rememberWebhook(deliveryId: string): Promise<boolean> {
      if (clock() - prunedAt >= pruneEveryMs) pruneWebhooks();
      const result = prepared('INSERT OR IGNORE INTO webhook_deliveries (id, received_at) VALUES (?, ?)').run(
        deliveryId,
        clock(),
      );
      return result.changes === 1;
    },

    /** Deletes delivery ids older than the replay window; returns how many. */
    async pruneWebhooks(): Promise<number> {
      return pruneWebhooks();
    },
  };
}
