import type { Config } from '../config.js';
import { openSqliteStore, type Store } from './store.js';

/**
 * The store the configuration asks for: PostgreSQL when DATABASE_URL is set (its module, Kysely and
 * `pg` load only then), else SQLite under DATA_DIR.
 */
export async function openStore(
  config: Pick<Config, 'dataDir' | 'database'>,
  options: { onIdleError?: (error: Error) => void } = {},
): Promise<Store> {
  if (!config.database) return openSqliteStore(config.dataDir);
  const { openPostgresStore } = await import('./postgres/index.js');
  return openPostgresStore(config.database.url, options);
}
