import { type RawBuilder, sql } from 'kysely';
import type {
  GenerationCursor,
  GenerationFilter,
  GenerationPage,
} from '../../generations/generation-store.js';
import { galleryEntryConditions, runningStatuses } from '../gallery-entries.js';
import { pageOf, pageSize } from '../generation-page.js';
import { placeCondition } from '../place-filter.js';
import type { PostgresDatabase } from './database.js';
import { generationColumns } from './schema.js';

/**
 * Turns what a person typed into a `to_tsquery('simple', ...)` text of prefix terms joined by AND
 * (`word:* & other:*`), the counterpart of FTS5's `"word"* "other"*`; undefined when nothing
 * searchable was typed. Terms hold only letters and digits, so no tsquery syntax of theirs passes.
 */
export function toTsQuery(text: string): string | undefined {
  const terms = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return terms.length ? terms.map((term) => `${term}:*`).join(' & ') : undefined;
}

/**
 * An SQL text with `@name` parameters (as the SQLite adapter writes them) as a Kysely fragment with
 * bound values, so one place rule (../place-filter.ts) serves both engines.
 */
export function withNamedParameters(text: string, params: Record<string, unknown>): RawBuilder<unknown> {
  const parts = text.split(/@(\w+)/);
  return sql.join(
    parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql.val(params[part]))),
    sql.raw(''),
  );
}

/** The list's query with its filters applied, before the order and the cursor. */
type FilteredQuery = ReturnType<typeof filteredBase>;

function filteredBase(db: PostgresDatabase) {
  return db.selectFrom('generations as g').select(generationColumns.map((c) => `g.${c}` as const));
}

/**
 * The favorited view, as SQLite's adapter reads it: the generations with any favorite joined to
 * their counts (one GROUP BY over the favorites' generation index), most marked first, then newest.
 */
async function favoritedPage(
  query: FilteredQuery,
  cursor: GenerationCursor | undefined,
  limit: number,
): Promise<GenerationPage> {
  let counted = query
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('favorites')
          .select(['generation_id', eb.fn.countAll<string>().as('n')])
          .groupBy('generation_id')
          .as('fc'),
      (join) => join.onRef('fc.generation_id', '=', 'g.id'),
    )
    .select('fc.n as favorite_count');
  if (cursor)
    counted = counted.where(
      sql<boolean>`(fc.n, g.created_at, g.id) < (${cursor.favorites ?? Number.MAX_SAFE_INTEGER}, ${cursor.createdAt}, ${cursor.id})`,
    );
  const rows = await counted
    .orderBy('fc.n', 'desc')
    .orderBy('g.created_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(limit + 1)
    .execute();
  return pageOf(rows, limit);
}

/**
 * Pages of generations, newest first, with keyset cursors, on PostgreSQL. A search is one more
 * condition on the GIN-indexed `prompt_search`; the planner chooses between walking the
 * created_at index and reading the matches, as SQLite's adapter does by hand.
 */
export function createPostgresGenerationLister(db: PostgresDatabase) {
  return async function list(
    filter: GenerationFilter = {},
    options: { cursor?: GenerationCursor; limit?: number } = {},
  ): Promise<GenerationPage> {
    const limit = pageSize(options.limit);
    let query = filteredBase(db);
    if (filter.status === 'running') query = query.where('g.status', 'in', [...runningStatuses]);
    else if (filter.status) query = query.where('g.status', '=', filter.status);
    if (filter.model) query = query.where('g.model', '=', filter.model);
    if (filter.platform) query = query.where('g.platform', '=', filter.platform);
    if (filter.source) query = query.where('g.source', '=', filter.source);
    if (filter.userId) query = query.where('g.user_id', '=', filter.userId);
    if (filter.place) {
      const place = placeCondition(filter.place);
      query = query.where(withNamedParameters(place.sql, place.params) as RawBuilder<boolean>);
    }
    if (filter.favoriteOf) {
      const fan = filter.favoriteOf;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('favorites as f')
            .select('f.generation_id')
            .where('f.platform', '=', fan.platform)
            .where('f.user_id', '=', fan.userId)
            .whereRef('f.generation_id', '=', 'g.id'),
        ),
      );
    }
    const entries = galleryEntryConditions(filter);
    for (const condition of entries.where)
      query = query.where(withNamedParameters(condition, entries.params) as RawBuilder<boolean>);
    if (filter.search?.trim()) {
      const search = toTsQuery(filter.search);
      if (!search) return { items: [], next: undefined };
      query = query.where(sql<boolean>`g.prompt_search @@ to_tsquery('simple', ${search})`);
    }
    if (filter.favorited) return favoritedPage(query, options.cursor, limit);
    if (options.cursor)
      query = query.where(
        sql<boolean>`(g.created_at, g.id) < (${options.cursor.createdAt}, ${options.cursor.id})`,
      );
    const rows = await query
      .orderBy('g.created_at', 'desc')
      .orderBy('g.id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(rows, limit);
  };
}
