import type { OperatorSessionStore } from '../access/operator-session-store.js';
import type { FavoriteStore } from '../generations/favorites.js';
import type { GenerationStore } from '../generations/generation-store.js';
import type { GroupStore } from '../generations/groups/group-store.js';
import type { RefusalLog } from '../generations/refusals.js';
import type { ServerSettingsStore } from '../generations/server-settings.js';
import type { SpendOverview } from '../generations/spend/overview.js';
import type { CatalogCache } from '../replicate/catalog-cache.js';
import { createCatalogCache } from './catalog-cache.js';
import { openDatabase } from './database.js';
import { createFavorites } from './favorites.js';
import { createGenerationStore } from './generations.js';
import { createGroupStore } from './groups.js';
import { createOperatorSessionStore } from './operator-sessions.js';
import { createRevokedLinks, type RevokedLinks } from './revoked-links.js';
import { createServerSettingsStore } from './server-settings.js';
import { createRefusalLog, createSpendOverview } from './spend-overview.js';

/**
 * Every port of the store over one open database, whichever engine holds it: SQLite (the embedded
 * default) or PostgreSQL (DATABASE_URL). The contract suite (test/unit/core/store) runs every
 * store test against both.
 */
export interface Store {
  engine: 'sqlite' | 'postgres';
  generations: GenerationStore;
  catalogCache: CatalogCache;
  revokedLinks: RevokedLinks;
  /** Requests the service refused, for the operator's page. */
  refusals: RefusalLog;
  /** The operator's spend aggregates (30 days, top lists, refusals by reason). */
  spendOverview: SpendOverview;
  /** The operator's web sessions, so a restart and other web processes keep them. */
  operatorSessions: OperatorSessionStore;
  /** Generations started together (compare, batch). */
  groups: GroupStore;
  /** Each server's settings set in chat, and their audit log. */
  serverSettings: ServerSettingsStore;
  favorites: FavoriteStore;
  /** Closes the database (SQLite) or ends the connection pool (PostgreSQL). */
  close(): Promise<void>;
}

/** Opens the SQLite database under `dataDir` (or a private `:memory:` one) as a {@link Store}. */
export function openSqliteStore(dataDir: string | ':memory:', clock: () => number = Date.now): Store {
  const db = openDatabase(dataDir);
  return {
    engine: 'sqlite',
    generations: createGenerationStore(db, clock),
    catalogCache: createCatalogCache(db, clock),
    revokedLinks: createRevokedLinks(db, clock),
    refusals: createRefusalLog(db),
    spendOverview: createSpendOverview(db),
    operatorSessions: createOperatorSessionStore(db),
    groups: createGroupStore(db, clock),
    serverSettings: createServerSettingsStore(db, clock),
    favorites: createFavorites(db, clock),
    async close() {
      db.close();
    },
  };
}
