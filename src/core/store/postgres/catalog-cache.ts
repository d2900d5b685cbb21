import type { CachedEntry, CatalogCache } from '../../replicate/catalog-cache.js';
import type { PostgresDatabase } from './database.js';

/** The catalog's cache of Replicate answers, in PostgreSQL's `catalog_cache` table. */
export function createPostgresCatalogCache(
  db: PostgresDatabase,
  clock: () => number = Date.now,
): CatalogCache {
  return {
    async get<T>(key: string): Promise<CachedEntry<T> | undefined> {
      const row = await db
        .selectFrom('catalog_cache')
        .select(['value_json', 'fetched_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? { value: JSON.parse(row.value_json) as T, fetchedAt: row.fetched_at } : undefined;
    },
    async set<T>(key: string, value: T): Promise<void> {
      const row = { key, value_json: JSON.stringify(value), fetched_at: clock() };
      await db
        .insertInto('catalog_cache')
        .values(row)
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet({ value_json: row.value_json, fetched_at: row.fetched_at }),
        )
        .execute();
    },
    async list<T>(prefix: string): Promise<CachedEntry<T>[]> {
      // Backslash is LIKE's escape character in PostgreSQL by default.
      const rows = await db
        .selectFrom('catalog_cache')
        .select(['value_json', 'fetched_at'])
        .where('key', 'like', `${prefix.replace(/[%_\\]/g, '\\$&')}%`)
        .execute();
      return rows.map((row) => ({ value: JSON.parse(row.value_json) as T, fetchedAt: row.fetched_at }));
    },
  };
}
