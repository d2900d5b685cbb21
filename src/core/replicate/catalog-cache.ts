/*
 * The port the catalog keeps Replicate's answers behind: declared here, where it is used, and
 * implemented by src/core/store (a table of SQLite).
 */

/** A cached value and when it was fetched. */
export interface CachedEntry<T> {
  value: T;
  fetchedAt: number;
}

/** Key-value cache for Replicate catalog answers (collections, models, versions); asynchronous so any engine can hold it. */
export interface CatalogCache {
  get<T>(key: string): Promise<CachedEntry<T> | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  /** Every cached value whose key starts with `prefix`, for offline search. */
  list<T>(prefix: string): Promise<CachedEntry<T>[]>;
}
