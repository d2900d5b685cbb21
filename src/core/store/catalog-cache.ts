import type { Database } from 'better-sqlite3';
import type { CachedEntry, CatalogCache } from '../replicate/catalog-cache.js';

/** The catalog's cache of Replicate answers, in the `catalog_cache` table. */
export function createCatalogCache(db: Database, clock: () => number = Date.now): CatalogCache {
  return {
    async get<T>(key: string): Promise<CachedEntry<T> | undefined> {
      const row = db
        .prepare<[string], { value_json: string; fetched_at: number }>(
          'SELECT value_json, fetched_at FROM catalog_cache WHERE key = ?',
        )
        .get(key);
      return row ? { value: JSON.parse(row.value_json) as T, fetchedAt: row.fetched_at } : undefined;
    },
    async set<T>(key: string, value: T): Promise<void> {
      db.prepare(
        `INSERT INTO catalog_cache (key, value_json, fetched_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, fetched_at = excluded.fetched_at`,
      ).run(key, JSON.stringify(value), clock());
    },
    /** Every cached value whose key starts with `prefix`, for offline search. */
    async list<T>(prefix: string): Promise<CachedEntry<T>[]> {
      return db
        .prepare<[string], { value_json: string; fetched_at: number }>(
          "SELECT value_json, fetched_at FROM catalog_cache WHERE key LIKE ? ESCAPE '\\'",
        )
        .all(`${prefix.replace(/[%_\\]/g, '\\$&')}%`)
        .map((row) => ({ value: JSON.parse(row.value_json) as T, fetchedAt: row.fetched_at }));
    },
  };
}
