/**
 * The store on PostgreSQL (DATABASE_URL): the same ports as the SQLite adapter one folder up, on
 * Kysely and `pg`, for deployments whose processes run on several machines. Loaded only when
 * DATABASE_URL is set.
 */
import type { Store } from '../store.js';
import { createPostgresCatalogCache } from './catalog-cache.js';
import { openPostgres, type PostgresOptions } from './database.js';
import { createPostgresFavorites } from './favorites.js';
import { createPostgresGenerationStore } from './generations.js';
import { createPostgresGroupStore } from './groups.js';
import { createPostgresOperatorSessionStore } from './operator-sessions.js';
import { createPostgresRevokedLinks } from './revoked-links.js';
import { createPostgresServerSettingsStore } from './server-settings.js';
import { createPostgresRefusalLog, createPostgresSpendOverview } from './spend-overview.js';

export { DatabaseServerError } from './database.js';
export { postgresMigrations } from './migrations.js';
export { describeServer } from './server-name.js';

/** Connects to DATABASE_URL, migrates it, and returns the store's ports over one connection pool. */
export async function openPostgresStore(
  url: string,
  options: PostgresOptions & { clock?: () => number } = {},
): Promise<Store> {
  const db = await openPostgres(url, options);
  const clock = options.clock ?? Date.now;
  return {
    engine: 'postgres',
    generations: createPostgresGenerationStore(db, clock),
    catalogCache: createPostgresCatalogCache(db, clock),
    revokedLinks: createPostgresRevokedLinks(db, clock),
    refusals: createPostgresRefusalLog(db),
    spendOverview: createPostgresSpendOverview(db),
    operatorSessions: createPostgresOperatorSessionStore(db),
    groups: createPostgresGroupStore(db, clock),
    serverSettings: createPostgresServerSettingsStore(db, clock),
    favorites: createPostgresFavorites(db, clock),
    async close() {
      await db.destroy();
    },
  };
}
