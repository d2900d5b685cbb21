export { createCatalogCache } from './catalog-cache.js';
export { openStore } from './configured-store.js';
export { type Database, DatabaseError, openDatabase } from './database.js';
export { createFavorites } from './favorites.js';
export { createGenerationStore, newGenerationId } from './generations.js';
export { migrate, migrations } from './migrations.js';
export { createRevokedLinks, type RevokedLinks } from './revoked-links.js';
export { openSqliteStore, type Store } from './store.js';
export { webhookReplayWindowMs } from './webhook-deliveries.js';
