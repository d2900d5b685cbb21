export { type CatalogCache, createCatalogCache } from './catalog-cache.js';
export { type Database, DatabaseError, openDatabase } from './database.js';
export type { ClaimResult } from './download-claims.js';
export {
  createGenerationStore,
  type GenerationCursor,
  type GenerationFilter,
  type GenerationPatch,
  type GenerationStore,
  type NewGeneration,
  newGenerationId,
} from './generations.js';
export { migrate, migrations } from './migrations.js';
export { webhookReplayWindowMs } from './webhook-deliveries.js';
