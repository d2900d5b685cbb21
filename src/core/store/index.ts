export { createCatalogCache } from './catalog-cache.js';
export { type Database, DatabaseError, openDatabase } from './database.js';
export { createGenerationStore, newGenerationId } from './generations.js';
export { migrate, migrations } from './migrations.js';
export { webhookReplayWindowMs } from './webhook-deliveries.js';
