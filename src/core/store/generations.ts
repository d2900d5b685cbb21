import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Place } from '../access/place.js';
import type {
  GenerationInternals,
  GenerationPatch,
  GenerationStore,
  NewGeneration,
} from '../generations/generation-store.js';
import type { Generation, GenerationStatus, Platform } from '../generations/types.js';
import { createDownloadClaims } from './download-claims.js';
import { createGenerationLister } from './generation-list.js';
import { type GenerationRow, internalsOf, patchColumns, toGeneration } from './generation-rows.js';
import { placeModelsQuery } from './place-models.js';
import { createRunHistory } from './run-history.js';
import { createSpendQueries } from './spend.js';
import { createStatementCache } from './statement-cache.js';
import { createWebhookDeliveries } from './webhook-deliveries.js';

/** A short, URL-safe, sortable-enough id such as `g_k3x9q2m7a1`. */
export function newGenerationId(): string {
  return `g_${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
}

/**
 * Typed queries over `generations`. Every state change that two workers could race on is a single
 * `UPDATE ... WHERE status IN (...)`, so exactly one of them wins.
 */
export function createGenerationStore(db: Database, clock: () => number = Date.now): GenerationStore {
  // Every statement below runs again and again (patches come in a handful of shapes): prepare once.
  const prepared = createStatementCache(db);
  const byId = db.prepare<[string], GenerationRow>('SELECT * FROM generations WHERE id = ?');
  const byPrediction = db.prepare<[string], GenerationRow>(
    'SELECT * FROM generations WHERE prediction_id = ?',
  );

  function update(id: string, patch: GenerationPatch, onlyFrom?: readonly GenerationStatus[]): boolean {
    const columns = { ...patchColumns(patch), updated_at: clock() };
    const names = Object.keys(columns);
    const assignments = names.map((name) => `${name} = @${name}`).join(', ');
    const guard = onlyFrom ? ` AND status IN (${onlyFrom.map((_, i) => `@from${i}`).join(', ')})` : '';
    const params: Record<string, unknown> = { ...columns, id };
    onlyFrom?.forEach((status, i) => {
      params[`from${i}`] = status;
    });
    const result = prepared(`UPDATE generations SET ${assignments} WHERE id = @id${guard}`).run(params);
    return result.changes === 1;
  }

  const listPage = createGenerationLister(db);

  // better-sqlite3 answers synchronously; the methods are async only to fit the port, which a
  // networked engine implements too. Each still runs its statement in one step, before it returns.
  return {
    async insert(input: NewGeneration): Promise<Generation> {
      const now = clock();
      const id = input.id ?? newGenerationId();
      prepared(
        `INSERT INTO generations (id, source, platform, workspace_id, channel_id, user_id, user_name, model, version,
           prompt, input_json, seed, status, message_ref_json, restricted_categories_json, origin_kind, origin_id,
           chain_id, created_at, updated_at)
         VALUES (@id, @source, @platform, @workspaceId, @channelId, @userId, @userName, @model, @version,
           @prompt, @input, @seed, @status, @messageRef, @restricted, @originKind, @originId, @chainId, @now, @now)`,
      ).run({
        id,
        source: input.source,
        platform: input.requester.platform,
        workspaceId: input.requester.workspaceId ?? null,
        channelId: input.requester.channelId ?? null,
        userId: input.requester.userId,
        userName: input.requester.userName ?? null,
        model: input.model,
        version: input.version ?? null,
        prompt: input.prompt ?? null,
        input: JSON.stringify(input.input),
        seed: input.seed ?? null,
        status: input.status ?? 'queued',
        messageRef: input.messageRef ? JSON.stringify(input.messageRef) : null,
        restricted: input.restrictedCategories?.length ? JSON.stringify(input.restrictedCategories) : null,
        originKind: input.origin?.kind ?? null,
        originId: input.origin?.generationId ?? null,
        chainId: input.chainId ?? null,
        now,
      });
      return toGeneration(byId.get(id)!);
    },

    async get(id: string): Promise<Generation | undefined> {
      const row = byId.get(id);
      return row ? toGeneration(row) : undefined;
    },

    async getByPrediction(predictionId: string): Promise<Generation | undefined> {
      const row = byPrediction.get(predictionId);
      return row ? toGeneration(row) : undefined;
    },

    /** Fields for the service only: never put these in an API response. */
    async internals(id: string): Promise<GenerationInternals | undefined> {
      const row = byId.get(id);
      return row ? internalsOf(row) : undefined;
    },

    /** Applies a patch unconditionally. */
    async update(id: string, patch: GenerationPatch): Promise<boolean> {
      return update(id, patch);
    },

    /** Applies a patch only while the status is one of `from`; returns whether it won. */
    async transition(
      id: string,
      from: readonly GenerationStatus[],
      patch: GenerationPatch,
    ): Promise<boolean> {
      return update(id, patch, from);
    },

    /** Every generation that has not ended, oldest first: the work to resume after a restart. */
    async listUnfinished(): Promise<Generation[]> {
      return prepared<[], GenerationRow>(
        `SELECT * FROM generations WHERE status IN ('queued','starting','processing','downloading')
            ORDER BY created_at, id`,
      )
        .all()
        .map(toGeneration);
    },

    /** How many generations of this user are running (queued ones included). */
    async countRunning(
      filter: { platform?: Platform; userId?: string; workspaceId?: string } = {},
    ): Promise<number> {
      const row = prepared<Record<string, unknown>, { n: number }>(
        `SELECT count(*) AS n FROM generations
            WHERE status IN ('queued','starting','processing','downloading')
              AND (@platform IS NULL OR platform = @platform) AND (@userId IS NULL OR user_id = @userId)
              AND (@workspaceId IS NULL OR workspace_id = @workspaceId)`,
      ).get({
        platform: filter.platform ?? null,
        userId: filter.userId ?? null,
        workspaceId: filter.workspaceId ?? null,
      });
      return row?.n ?? 0;
    },

    /** A page of generations, newest first, after `cursor`. */
    async list(filter, options) {
      return listPage(filter, options);
    },

    /** Distinct model names, for the gallery's filter: of one place, or of all. */
    async models(place?: Place): Promise<string[]> {
      if (place) {
        // Read through the place's own index (a server's models index, a person's or the operator's
        // platforms): a place holds a share of the rows, and the answer is cached per place by the web.
        const { sql, params } = placeModelsQuery(place);
        const distinct = prepared<Record<string, unknown>[], string>(sql).pluck();
        // The operator's place binds nothing, and better-sqlite3 refuses values a statement lacks.
        return Object.keys(params).length > 0 ? distinct.all(params) : distinct.all();
      }
      // A skip scan: one index seek per model. SQLite answers DISTINCT by reading every index
      // entry, 10 ms at 100,000 generations, long enough to stall every request in flight.
      return prepared<[], string>(
        `WITH RECURSIVE next_model(model) AS (
           SELECT min(model) FROM generations
           UNION ALL
           SELECT (SELECT min(model) FROM generations WHERE model > next_model.model)
             FROM next_model WHERE next_model.model IS NOT NULL)
         SELECT model FROM next_model WHERE model IS NOT NULL`,
      )
        .pluck()
        .all();
    },

    /** Count and bytes by status, for the admin view. */
    async stats(): Promise<{ status: GenerationStatus; count: number; bytes: number }[]> {
      return prepared<[], { status: GenerationStatus; count: number; bytes: number }>(
        `SELECT status, count(*) AS count, coalesce(sum(media_bytes), 0) AS bytes FROM generations GROUP BY status`,
      ).all();
    },

    async delete(id: string): Promise<boolean> {
      return prepared('DELETE FROM generations WHERE id = ?').run(id).changes === 1;
    },

    async chain(chainId: string): Promise<Generation[]> {
      return (
        prepared('SELECT * FROM generations WHERE chain_id = ? ORDER BY created_at, rowid').all(
          chainId,
        ) as GenerationRow[]
      ).map(toGeneration);
    },

    async finishedChainParts(chainIds) {
      if (chainIds.length === 0) return new Map();
      const rows = prepared<[string], { chain_id: string; n: number }>(
        `SELECT chain_id, count(*) AS n FROM generations
         WHERE chain_id IN (SELECT value FROM json_each(?)) AND status = 'succeeded' GROUP BY chain_id`,
      ).all(JSON.stringify(chainIds));
      return new Map(rows.map((row) => [row.chain_id, row.n]));
    },

    ...createDownloadClaims(prepared, clock),
    ...createWebhookDeliveries(prepared, clock),
    ...createRunHistory(db),
    ...createSpendQueries(db),
  };
}
