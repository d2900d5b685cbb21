import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type {
  GenerationCursor,
  GenerationFilter,
  GenerationInternals,
  GenerationPatch,
  GenerationStore,
  NewGeneration,
} from '../generations/generation-store.js';
import type { Generation, GenerationStatus, Platform } from '../generations/types.js';
import { createDownloadClaims } from './download-claims.js';
import { type GenerationRow, patchColumns, toGeneration } from './generation-rows.js';
import { placeCondition } from './place-filter.js';
import { createRunHistory } from './run-history.js';
import { createSpendQueries } from './spend.js';
import { createWebhookDeliveries } from './webhook-deliveries.js';

const runningStatuses: GenerationStatus[] = ['queued', 'starting', 'processing', 'downloading'];

/** A short, URL-safe, sortable-enough id such as `g_k3x9q2m7a1`. */
export function newGenerationId(): string {
  return `g_${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
}

/**
 * Typed queries over `generations`. Every state change that two workers could race on is a single
 * `UPDATE ... WHERE status IN (...)`, so exactly one of them wins.
 */
export function createGenerationStore(db: Database, clock: () => number = Date.now): GenerationStore {
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
    const result = db.prepare(`UPDATE generations SET ${assignments} WHERE id = @id${guard}`).run(params);
    return result.changes === 1;
  }

  return {
    insert(input: NewGeneration): Generation {
      const now = clock();
      const id = input.id ?? newGenerationId();
      db.prepare(
        `INSERT INTO generations (id, source, platform, workspace_id, channel_id, user_id, user_name, model, version,
           prompt, input_json, seed, status, message_ref_json, created_at, updated_at)
         VALUES (@id, @source, @platform, @workspaceId, @channelId, @userId, @userName, @model, @version,
           @prompt, @input, @seed, @status, @messageRef, @now, @now)`,
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
        now,
      });
      return toGeneration(byId.get(id)!);
    },

    get(id: string): Generation | undefined {
      const row = byId.get(id);
      return row ? toGeneration(row) : undefined;
    },

    getByPrediction(predictionId: string): Generation | undefined {
      const row = byPrediction.get(predictionId);
      return row ? toGeneration(row) : undefined;
    },

    /** Fields for the service only: never put these in an API response. */
    internals(id: string): GenerationInternals | undefined {
      const row = byId.get(id);
      if (!row) return undefined;
      return {
        outputUrl: row.output_url ?? undefined,
        predictionRequestedAt: row.prediction_requested_at ?? undefined,
        downloadClaim: row.download_claim ?? undefined,
        downloadClaimedAt: row.download_claimed_at ?? undefined,
        downloadHeartbeatAt: row.download_heartbeat_at ?? undefined,
        downloadAttempts: row.download_attempts,
        cancelRequested: row.cancel_requested === 1,
      };
    },

    /** Applies a patch unconditionally. */
    update(id: string, patch: GenerationPatch): boolean {
      return update(id, patch);
    },

    /** Applies a patch only while the status is one of `from`; returns whether it won. */
    transition(id: string, from: readonly GenerationStatus[], patch: GenerationPatch): boolean {
      return update(id, patch, from);
    },

    /** Every generation that has not ended, oldest first: the work to resume after a restart. */
    listUnfinished(): Generation[] {
      return db
        .prepare<[], GenerationRow>(
          `SELECT * FROM generations WHERE status IN ('queued','starting','processing','downloading')
            ORDER BY created_at, id`,
        )
        .all()
        .map(toGeneration);
    },

    /** How many generations of this user are running (queued ones included). */
    countRunning(filter: { platform?: Platform; userId?: string } = {}): number {
      const row = db
        .prepare<Record<string, unknown>, { n: number }>(
          `SELECT count(*) AS n FROM generations
            WHERE status IN ('queued','starting','processing','downloading')
              AND (@platform IS NULL OR platform = @platform) AND (@userId IS NULL OR user_id = @userId)`,
        )
        .get({ platform: filter.platform ?? null, userId: filter.userId ?? null });
      return row?.n ?? 0;
    },

    /** A page of generations, newest first, after `cursor`. */
    list(filter: GenerationFilter = {}, options: { cursor?: GenerationCursor; limit?: number } = {}) {
      const limit = Math.min(Math.max(options.limit ?? 48, 1), 200);
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: limit + 1 };
      if (filter.status === 'running')
        where.push(`g.status IN (${runningStatuses.map((s) => `'${s}'`).join(',')})`);
      else if (filter.status) {
        where.push('g.status = @status');
        params.status = filter.status;
      }
      if (filter.model) {
        where.push('g.model = @model');
        params.model = filter.model;
      }
      if (filter.platform) {
        where.push('g.platform = @platform');
        params.platform = filter.platform;
      }
      if (filter.source) {
        where.push('g.source = @source');
        params.source = filter.source;
      }
      if (filter.userId) {
        where.push('g.user_id = @userId');
        params.userId = filter.userId;
      }
      if (filter.place) {
        const place = placeCondition(filter.place);
        where.push(place.sql);
        Object.assign(params, place.params);
      }
      if (filter.search?.trim()) {
        // The unary + keeps SQLite from driving the query by the match list (fetching and sorting every
        // hit, ~60 ms for a common word in 100k rows); it walks a created_at index and stops at the page.
        where.push('+g.rowid IN (SELECT rowid FROM generations_fts WHERE generations_fts MATCH @search)');
        params.search = toFtsQuery(filter.search);
      }
      if (options.cursor) {
        where.push('(g.created_at < @cursorCreated OR (g.created_at = @cursorCreated AND g.id < @cursorId))');
        params.cursorCreated = options.cursor.createdAt;
        params.cursorId = options.cursor.id;
      }
      const sql = `SELECT g.* FROM generations g ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY g.created_at DESC, g.id DESC LIMIT @limit`;
      const rows = db.prepare<Record<string, unknown>, GenerationRow>(sql).all(params);
      const items = rows.slice(0, limit).map(toGeneration);
      const last = items.at(-1);
      const next: GenerationCursor | undefined =
        rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined;
      return { items, next };
    },

    /** Distinct model names, for the gallery's filter. */
    models(): string[] {
      return db
        .prepare<[], { model: string }>('SELECT DISTINCT model FROM generations ORDER BY model')
        .all()
        .map((row) => row.model);
    },

    /** Count and bytes by status, for the admin view. */
    stats(): { status: GenerationStatus; count: number; bytes: number }[] {
      return db
        .prepare<[], { status: GenerationStatus; count: number; bytes: number }>(
          `SELECT status, count(*) AS count, coalesce(sum(media_bytes), 0) AS bytes FROM generations GROUP BY status`,
        )
        .all();
    },

    delete(id: string): boolean {
      return db.prepare('DELETE FROM generations WHERE id = ?').run(id).changes === 1;
    },

    ...createDownloadClaims(db, clock),
    ...createWebhookDeliveries(db, clock),
    ...createRunHistory(db),
    ...createSpendQueries(db),
  };
}

/** Turns what a person typed into an FTS5 query of prefix terms, with no FTS syntax of theirs. */
function toFtsQuery(text: string): string {
  const terms = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return terms.length ? terms.map((term) => `"${term}"*`).join(' ') : '""';
}
