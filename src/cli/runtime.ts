import type { Config } from '../core/config.js';
import { createGenerationService, type ReelbotGenerationService } from '../core/generations/service.js';
import type { Logger } from '../core/logger.js';
import { type Catalog, createCatalog } from '../core/replicate/catalog.js';
import { createReplicateApi, type ReplicateApi } from '../core/replicate/client.js';
import type { RenderOptions } from '../core/simulation/render-process.js';
import { type RenderWorker, startRenderWorker } from '../core/simulation/render-worker.js';
import { createSimulator } from '../core/simulation/simulator.js';
import type { PriceTable } from '../core/spend/prices.js';
import {
  type CatalogCache,
  createCatalogCache,
  createGenerationStore,
  type Database,
  type GenerationStore,
  openDatabase,
} from '../core/store/index.js';

/** The platform-free core, wired once for a process: what `start` and `generate` share. */
export interface CoreRuntime {
  config: Config;
  logger: Logger;
  db: Database;
  store: GenerationStore;
  catalogCache: CatalogCache;
  api: ReplicateApi;
  catalog: Catalog;
  service: ReelbotGenerationService;
  /** The render worker kept warm between simulations, when the command asked for one. */
  renderWorker?: RenderWorker;
  /** Stops the service (unfinished work resumes next start), the render worker and the database. */
  close(): Promise<void>;
}

/** Choices a command makes about the core it runs. */
export interface CoreRuntimeOptions {
  /** Where a simulation's physics runs: a worker thread (default, keeps a bot responsive) or inline. */
  simulationPhysics?: RenderOptions['physics'];
  /**
   * Keep one render worker (and its Xvfb) up between simulations, as a long-running bot wants:
   * each `/simulate` then skips their start-up. One-shot commands start one per job instead.
   */
  warmRenderWorker?: boolean;
  /** What predictions cost (`loadPrices(config.spend.pricesFile)`); the shipped table otherwise. */
  prices?: PriceTable;
}

/**
 * Opens the store under DATA_DIR and builds the Replicate client, the catalog, the simulator and
 * the generation service.
 */
export function createCoreRuntime(
  config: Config,
  logger: Logger,
  options: CoreRuntimeOptions = {},
): CoreRuntime {
  const db = openDatabase(config.dataDir);
  const store = createGenerationStore(db);
  const api = createReplicateApi({
    token: config.replicate.token,
    apiUrl: config.replicate.apiUrl,
    logger: logger.child({ part: 'replicate' }),
  });
  const catalogCache = createCatalogCache(db);
  const catalog = createCatalog({
    api,
    cache: catalogCache,
    ttlMs: config.catalogTtlMs,
    logger: logger.child({ part: 'catalog' }),
  });
  const renderWorker = options.warmRenderWorker ? startRenderWorker({ display: config.display }) : undefined;
  const simulator = createSimulator({
    openai: config.openai,
    renderOptions: { display: config.display, physics: options.simulationPhysics, worker: renderWorker },
    logger: logger.child({ part: 'simulation' }),
  });
  const service = createGenerationService({
    config,
    store,
    api,
    catalog,
    logger,
    simulator,
    prices: options.prices,
  });
  return {
    config,
    logger,
    db,
    store,
    catalogCache,
    api,
    catalog,
    service,
    renderWorker,
    async close() {
      await service.close();
      await renderWorker?.close();
      db.close();
    },
  };
}
