import type { Database } from 'better-sqlite3';
import type { GenerationCursor, GenerationFilter } from '../generations/generation-store.js';
import { allAsObjects } from './array-rows.js';
import { galleryEntryConditions, memberConditions } from './gallery-entries.js';
import { pageOf, pageSize } from './generation-page.js';
import type { GenerationRow } from './generation-rows.js';
import { placeCondition } from './place-filter.js';
import { createSearchQueryBuilder } from './search-terms.js';
import { createStatementCache } from './statement-cache.js';

/** A row of the favorited view: the generation and how many people marked it. */
type FavoritedRow = GenerationRow & { favorite_count: number };

export interface ListOptions {
  cursor?: GenerationCursor;
  limit?: number;
}

/**
 * A search reads the newest matches first, the most recently inserted first, and pages those: rows
 * are inserted in time order, so the newest matches nearly always hold the page, and a range check
 * on the created_at index proves it (see `listByMatches`). A first read takes two pages' worth; when
 * the filters leave too few of those, a second read takes as many as the share they kept says the
 * page needs (see {@link widestRead}), or at least this many, enough to read every match of a
 * search that has few. Only when no read can hold the page does the search walk the created_at
 * index against the whole match list, which costs 2 to 5 ms for one common word at 100,000
 * generations and 7 ms when four words meet in 9 prompts (the newest-matches plan: 1 ms).
 */
export const fewMatches = 500;

/**
 * The most matches a read takes: reading and ordering 2,000 costs 0.75 ms at 100,000 generations,
 * less than the index walk against a word in 10,000 prompts (`?q=dragon&status=failed`: 1.5-5 ms).
 */
const widestRead = 4 * fewMatches;

/** How many matches the first read takes for a page of `limit` rows: the page, and as many again. */
const firstMatches = (limit: number) => limit * 2;

/** Filters that are one column equal to the value given (model is among the member conditions). */
const equalityFilters = [
  ['platform', 'platform'],
  ['source', 'source'],
  ['userId', 'user_id'],
] as const satisfies readonly (readonly [keyof GenerationFilter, string])[];

const newestFirst = 'ORDER BY g.created_at DESC, g.id DESC';

/** The WHERE terms every plan shares (all but the search), over the alias `g`. */
function conditions(filter: GenerationFilter, cursor: GenerationCursor | undefined) {
  const { where, params } = memberConditions(filter, 'g');
  for (const [key, column] of equalityFilters) {
    const value = filter[key];
    if (!value) continue;
    where.push(`g.${column} = @${key}`);
    params[key] = value;
  }
  if (filter.place) {
    const place = placeCondition(filter.place);
    where.push(place.sql);
    Object.assign(params, place.params);
  }
  const entries = galleryEntryConditions(filter);
  where.push(...entries.where);
  Object.assign(params, entries.params);
  if (cursor) {
    where.push('(g.created_at < @cursorCreated OR (g.created_at = @cursorCreated AND g.id < @cursorId))');
    params.cursorCreated = cursor.createdAt;
    params.cursorId = cursor.id;
  }
  return { where, params };
}

const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * Pages of generations, newest first, with keyset cursors. A search picks its plan by how many
 * prompts match (see {@link fewMatches}); both plans return the same rows in the same order.
 */
export function createGenerationLister(db: Database) {
  const prepared = createStatementCache(db);
  const searchQuery = createSearchQueryBuilder(db);
  const newestMatches = db
    .prepare<[string, number, number], number>(
      `SELECT rowid FROM generations_fts WHERE generations_fts MATCH ? AND rowid <= ?
        ORDER BY rowid DESC LIMIT ?`,
    )
    .pluck();
  const rowidOf = db.prepare<[string], number>('SELECT rowid FROM generations WHERE id = ?').pluck();
  // Only a generation inserted out of time order can put a row outside the matches read into a
  // page (see `listByMatches`): with none at or above the matches read, the page needs no index walk.
  const markedFrom = db
    .prepare<[number], number>('SELECT 1 FROM generations_out_of_order WHERE rowid >= ? LIMIT 1')
    .pluck();
  const rowsByRowid = db.prepare(
    'SELECT g.rowid AS rowid, g.* FROM json_each(?) AS wanted CROSS JOIN generations g ON g.rowid = wanted.value',
  );

  /** The rows with these rowids, in the order given. */
  function rowsInOrder(rowids: number[]): GenerationRow[] {
    const place = new Map(rowids.map((rowid, i) => [rowid, i]));
    const rows = allAsObjects<GenerationRow & { rowid: number }>(rowsByRowid, JSON.stringify(rowids));
    return rows.sort((a, b) => place.get(a.rowid)! - place.get(b.rowid)!);
  }

  /** Plain filters and the cursor: SQLite walks the best index and stops at the page. */
  function listByIndex(where: string[], params: Record<string, unknown>): GenerationRow[] {
    return allAsObjects<GenerationRow>(
      prepared(`SELECT g.* FROM generations g ${whereClause(where)} ${newestFirst} LIMIT @limit`),
      params,
    );
  }

  /**
   * The page among the matches read, if they hold it, and how many of them pass the filters. The
   * matches read are every match with a rowid in [lowest, highest]; a row outside that range but
   * newer than the page's last row (and within the filters and cursor) could belong to the page, so
   * its existence means they do not. Rows inserted in time order never leave one.
   */
  function listByMatches(
    where: string[],
    params: Record<string, unknown>,
    hits: number[],
    range: { lowest?: number; highest?: number },
  ): { page?: GenerationRow[]; passed: number } {
    // Sort the matches by their keys first and read whole rows for one page only: reading every
    // matching row in full to sort it costs twice as much. The page's rows are then read in that
    // order by rowid and put back in it here: sorting them again in SQL moves whole rows through a
    // temporary b-tree, a third of the cost of a search.
    const order = prepared<Record<string, unknown>, { rowid: number; created_at: number; id: string }>(
      `SELECT g.rowid AS rowid, g.created_at AS created_at, g.id AS id
       FROM json_each(@hits) AS hit CROSS JOIN generations g ON g.rowid = hit.value
       ${whereClause(where)} ${newestFirst} LIMIT @limit`,
    ).all({ ...params, hits: JSON.stringify(hits) });
    const passed = order.length;
    const page = () => rowsInOrder(order.map((row) => row.rowid));
    if (range.lowest === undefined && range.highest === undefined) return { page: page(), passed };
    const last = order.at(-1);
    if (!last || passed < (params.limit as number)) return { passed };
    // A row below the matches read that sorts above the page's last row was inserted before that
    // row, which marked it; a row above the cursor's that sorts below the cursor was marked itself.
    if (markedFrom.get(range.lowest ?? range.highest! + 1) === undefined) return { page: page(), passed };
    // The unary + keeps SQLite from walking the rowid range: with conditions that read the row (the
    // gallery's folding), it would rather scan every rowid below the matches read than the index.
    const outside = [
      range.lowest === undefined ? undefined : '+g.rowid < @lowest',
      range.highest === undefined ? undefined : '+g.rowid > @highest',
    ].filter(Boolean);
    const unread = prepared<Record<string, unknown>, number>(
      `SELECT 1 FROM generations g ${whereClause([
        // Written as a range on created_at, so the check reads only the index entries above the page.
        'g.created_at >= @lastCreated',
        // SQLite tests the other terms in the order written: the rowid range first, which nearly every
        // entry fails, so the id and the filters are looked at for the few that pass. Written last it
        // was tested after them: `?q=lighthouse storm` walks 5,486 entries at 100,000 generations,
        // 0.25 ms that way and 0.175 ms this.
        `(${outside.join(' OR ')})`,
        '(g.created_at > @lastCreated OR g.id > @lastId)',
        ...where,
      ])} LIMIT 1`,
    ).get({ ...params, ...range, lastCreated: last.created_at, lastId: last.id });
    return unread === undefined ? { page: page(), passed } : { passed };
  }

  /**
   * The favorited view: the generations with any favorite, most marked first, then newest. The
   * counts are one GROUP BY over the favorites' generation index; a search is one more condition.
   */
  function listFavorited(
    filter: GenerationFilter,
    cursor: GenerationCursor | undefined,
    limit: number,
  ): FavoritedRow[] {
    const { where, params } = conditions(filter, undefined);
    if (filter.search?.trim()) {
      const search = searchQuery(filter.search);
      if (search === undefined) return [];
      where.push('g.rowid IN (SELECT rowid FROM generations_fts WHERE generations_fts MATCH @search)');
      params.search = search;
    }
    if (cursor) {
      where.push(
        `(fc.n < @cursorFavorites OR (fc.n = @cursorFavorites AND (g.created_at < @cursorCreated
          OR (g.created_at = @cursorCreated AND g.id < @cursorId))))`,
      );
      Object.assign(params, {
        cursorFavorites: cursor.favorites ?? Number.MAX_SAFE_INTEGER,
        cursorCreated: cursor.createdAt,
        cursorId: cursor.id,
      });
    }
    return prepared<Record<string, unknown>, FavoritedRow>(
      `SELECT g.*, fc.n AS favorite_count
         FROM (SELECT generation_id, COUNT(*) AS n FROM favorites GROUP BY generation_id) AS fc
         CROSS JOIN generations g ON g.id = fc.generation_id
         ${whereClause(where)}
         ORDER BY fc.n DESC, g.created_at DESC, g.id DESC LIMIT @limit`,
    ).all({ ...params, limit });
  }

  function rowsFor(filter: GenerationFilter, options: ListOptions, limit: number): GenerationRow[] {
    if (filter.favorited) return listFavorited(filter, options.cursor, limit);
    const { where, params } = conditions(filter, options.cursor);
    params.limit = limit;
    if (!filter.search?.trim()) return listByIndex(where, params);
    const search = searchQuery(filter.search);
    if (search === undefined) return [];
    // Behind a cursor, start reading matches at the cursor's own row.
    const highest = options.cursor ? rowidOf.get(options.cursor.id) : undefined;
    // A page needs `limit` rows: read a few more matches than that first, and more only when
    // filters leave too few of them. Reading and sorting 500 matches for every search cost more
    // than the search itself.
    let size = firstMatches(limit);
    for (;;) {
      const hits = newestMatches.all(search, highest ?? Number.MAX_SAFE_INTEGER, size + 1);
      const complete = hits.length <= size;
      if (complete && highest === undefined && hits.length === 0) return [];
      const read = complete ? hits : hits.slice(0, size);
      const { page, passed } = listByMatches(where, params, read, {
        lowest: complete ? undefined : read.at(-1),
        highest,
      });
      if (page) return page;
      // Every match was read: a larger read would find nothing more.
      if (complete || size >= widestRead) break;
      // As many matches as the filters' share of this read says the page needs, and half again.
      const needed = Math.ceil((size * limit * 1.5) / Math.max(passed, 1));
      if (needed <= widestRead) size = Math.min(Math.max(size * 2, needed), widestRead);
      // No read would hold the page; reading `fewMatches` still finds whether every match fits in it.
      else if (size < fewMatches) size = fewMatches;
      else break;
    }
    // The unary + keeps SQLite from driving the query by the match list (fetching and sorting every
    // hit); it walks a created_at index and stops at the page.
    where.push('+g.rowid IN (SELECT rowid FROM generations_fts WHERE generations_fts MATCH @search)');
    return listByIndex(where, { ...params, search });
  }

  /** A page of generations, newest first (most favorited first with `favorited`), after `cursor`. */
  return function list(filter: GenerationFilter = {}, options: ListOptions = {}) {
    const limit = pageSize(options.limit);
    return pageOf(rowsFor(filter, options, limit + 1), limit);
  };
}
