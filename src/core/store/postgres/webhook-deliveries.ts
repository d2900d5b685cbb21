import { webhookReplayWindowMs } from '../webhook-deliveries.js';
import type { PostgresDatabase } from './database.js';

/** Old ids are deleted at most this often, on the way of recording a new one. */
const pruneEveryMs = 60 * 1000;

/** Webhook delivery ids already handled, on PostgreSQL; the same rules as ../webhook-deliveries.ts. */
export function createPostgresWebhookDeliveries(
  db: PostgresDatabase,
  clock: () => number,
  windowMs: number = webhookReplayWindowMs,
) {
  let prunedAt = Number.NEGATIVE_INFINITY;

  async function pruneWebhooks(): Promise<number> {
    prunedAt = clock();
    const result = await db
      .deleteFrom('webhook_deliveries')
      .where('received_at', '<', prunedAt - windowMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return {
    async seenWebhook(deliveryId: string): Promise<boolean> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async rememberWebhook(deliveryId: string): Promise<boolean> {
      if (clock() - prunedAt >= pruneEveryMs) await pruneWebhooks();
      const result = await db
        .insertInto('webhook_deliveries')
        .values({ id: deliveryId, received_at: clock() })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst();
      return result.numInsertedOrUpdatedRows === 1n;
    },

    pruneWebhooks,
  };
}
