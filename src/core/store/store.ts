import type { FavoriteStore } from '../generations/favorites.js';
import type { GenerationStore } from '../generations/generation-store.js';
import type { CatalogCache } from '../replicate/catalog-cache.js';
import { createCatalogCache } from './catalog-cache.js';
import { openDatabase } from './database.js';
import { createFavorites } from './favorites.js';
import { createGenerationStore } from './generations.js';
import { createRevokedLinks, type RevokedLinks } from './revoked-links.js';

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
    favorites: createFavorites(db, clock),
    async close() {
      db.close();
    },
  };
}
