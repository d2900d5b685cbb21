import type { GenerationStore } from '../generations/generation-store.js';
import type { ServerSettingsStore } from '../generations/server-settings.js';
import type { CatalogCache } from '../replicate/catalog-cache.js';
import { createCatalogCache } from './catalog-cache.js';
import { openDatabase } from './database.js';
import { createGenerationStore } from './generations.js';
import { createRevokedLinks, type RevokedLinks } from './revoked-links.js';
import { createServerSettingsStore } from './server-settings.js';

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
  /** Each server's settings set in chat, and their audit log. */
  serverSettings: ServerSettingsStore;
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
    serverSettings: createServerSettingsStore(db, clock),
    async close() {
      db.close();
    },
  };
}
