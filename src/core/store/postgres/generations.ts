import { type RawBuilder, sql, type Updateable } from 'kysely';
import type { Place } from '../../access/place.js';
import type {
  GenerationInternals,
  GenerationPatch,
  GenerationStore,
  NewGeneration,
} from '../../generations/generation-store.js';
import type { Generation, GenerationStatus, Platform } from '../../generations/types.js';
import { internalsOf, patchColumns, toGeneration } from '../generation-rows.js';
import { newGenerationId } from '../generations.js';
import { placeModelsQuery } from '../place-models.js';
import type { PostgresDatabase } from './database.js';
import { createPostgresDownloadClaims } from './download-claims.js';
import { createPostgresGenerationLister, withNamedParameters } from './generation-list.js';
import { type GenerationsTable, generationColumns } from './schema.js';
import { createPostgresSpendQueries } from './spend.js';
import { createPostgresWebhookDeliveries } from './webhook-deliveries.js';

const runningStatuses: GenerationStatus[] = ['queued', 'starting', 'processing', 'downloading'];

/**
 * The generation store on PostgreSQL. Every state change that two workers could race on is a
 * single `UPDATE ... WHERE status IN (...)`, as in the SQLite adapter, so exactly one of them wins
 * whichever process or machine it runs on.
 */
export function createPostgresGenerationStore(
  db: PostgresDatabase,
  clock: () => number = Date.now,
): GenerationStore {
  const row = (where: 'id' | 'prediction_id', value: string) =>
    db.selectFrom('generations').select(generationColumns).where(where, '=', value).executeTakeFirst();

  async function update(
    id: string,
    patch: GenerationPatch,
    onlyFrom?: readonly GenerationStatus[],
  ): Promise<boolean> {
    let query = db
      .updateTable('generations')
      // patchColumns names the same columns SQLite has; values are already in their stored form.
      .set({ ...patchColumns(patch), updated_at: clock() } as Updateable<GenerationsTable>)
      .where('id', '=', id);
    if (onlyFrom) query = query.where('status', 'in', [...onlyFrom]);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  return {
    async insert(input: NewGeneration): Promise<Generation> {
      const now = clock();
      const inserted = await db
        .insertInto('generations')
        .values({
          id: input.id ?? newGenerationId(),
          source: input.source,
          platform: input.requester.platform,
          workspace_id: input.requester.workspaceId ?? null,
          channel_id: input.requester.channelId ?? null,
          user_id: input.requester.userId,
          user_name: input.requester.userName ?? null,
          model: input.model,
          version: input.version ?? null,
          prompt: input.prompt ?? null,
          input_json: JSON.stringify(input.input),
          seed: input.seed ?? null,
          status: input.status ?? 'queued',
          message_ref_json: input.messageRef ? JSON.stringify(input.messageRef) : null,
          restricted_categories_json: input.restrictedCategories?.length
            ? JSON.stringify(input.restrictedCategories)
            : null,
          origin_kind: input.origin?.kind ?? null,
          origin_id: input.origin?.generationId ?? null,
          chain_id: input.chainId ?? null,
          created_at: now,
          updated_at: now,
        })
        .returning(generationColumns)
        .executeTakeFirstOrThrow();
      return toGeneration(inserted);
    },

    async get(id: string): Promise<Generation | undefined> {
      const found = await row('id', id);
      return found ? toGeneration(found) : undefined;
    },

    async getByPrediction(predictionId: string): Promise<Generation | undefined> {
      const found = await row('prediction_id', predictionId);
      return found ? toGeneration(found) : undefined;
    },

    async internals(id: string): Promise<GenerationInternals | undefined> {
      const found = await row('id', id);
      return found ? internalsOf(found) : undefined;
    },

    async update(id: string, patch: GenerationPatch): Promise<boolean> {
      return update(id, patch);
    },

    async transition(
      id: string,
      from: readonly GenerationStatus[],
      patch: GenerationPatch,
    ): Promise<boolean> {
      return update(id, patch, from);
    },

    async listUnfinished(): Promise<Generation[]> {
      const rows = await db
        .selectFrom('generations')
        .select(generationColumns)
        .where('status', 'in', runningStatuses)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toGeneration);
    },

    async countRunning(
      filter: { platform?: Platform; userId?: string; workspaceId?: string } = {},
    ): Promise<number> {
      let query = db
        .selectFrom('generations')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('status', 'in', runningStatuses);
      if (filter.platform) query = query.where('platform', '=', filter.platform);
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      if (filter.workspaceId) query = query.where('workspace_id', '=', filter.workspaceId);
      return (await query.executeTakeFirst())?.n ?? 0;
    },

    list: createPostgresGenerationLister(db),

    async models(place?: Place): Promise<string[]> {
      if (place) {
        // The same place rule as the list's (../place-filter.ts), so a link's filter names its own
        // models; the same text as SQLite's, read through the place's models index.
        const query = placeModelsQuery(place);
        const { rows } = await (
          withNamedParameters(query.sql, query.params) as RawBuilder<{ model: string }>
        ).execute(db);
        return rows.map((r) => r.model);
      }
      const rows = await db
        .selectFrom('generations as g')
        .select('g.model')
        .distinct()
        .orderBy('g.model')
        .execute();
      return rows.map((r) => r.model);
    },

    async stats(): Promise<{ status: GenerationStatus; count: number; bytes: number }[]> {
      return db
        .selectFrom('generations')
        .select([
          'status',
          sql<number>`count(*)::int`.as('count'),
          sql<number>`coalesce(sum(media_bytes), 0)`.as('bytes'),
        ])
        .groupBy('status')
        .execute();
    },

    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('generations').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows === 1n;
    },

    async chain(chainId: string): Promise<Generation[]> {
      const rows = await db
        .selectFrom('generations')
        .select(generationColumns)
        .where('chain_id', '=', chainId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toGeneration);
    },

    async finishedChainParts(chainIds) {
      if (chainIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('generations')
        .select(['chain_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('chain_id', 'in', [...chainIds])
        .where('status', '=', 'succeeded')
        .groupBy('chain_id')
        .execute();
      // count(*) is a bigint, which the driver hands over as a string.
      return new Map(rows.map((row) => [row.chain_id!, Number(row.n)]));
    },

    ...createPostgresDownloadClaims(db, clock),
    ...createPostgresWebhookDeliveries(db, clock),
    ...createPostgresSpendQueries(db),
  };
}
