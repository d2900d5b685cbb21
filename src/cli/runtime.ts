import path from 'node:path';
import type { Config } from '../core/config.js';
import type { GenerationStore } from '../core/generations/generation-store.js';
import { createGenerationService, type ReelbotGenerationService } from '../core/generations/service.js';
import type { PriceTable } from '../core/generations/spend/prices.js';
import type { Logger } from '../core/logger.js';
import { createMediaStorage } from '../core/media/configured-storage.js';
import type { MediaStorage } from '../core/media/storage.js';
import { type Catalog, createCatalog } from '../core/replicate/catalog.js';
import type { CatalogCache } from '../core/replicate/catalog-cache.js';
import { createReplicateApi, type ReplicateApi } from '../core/replicate/client.js';
import {
  createCatalogCache,
  createGenerationStore,
  type Database,
  openDatabase,
} from '../core/store/index.js';
import type { RenderOptions } from '../simulation/render-on-worker.js';
import { type RenderWorker, startRenderWorker } from '../simulation/render-worker-handle.js';
import { createXvfbRegistry } from '../simulation/renderer/xvfb-registry.js';
import { createSimulator } from '../simulation/simulator.js';

/** The platform-free core, wired once for a process: what `start` and `generate` share. */
export interface CoreRuntime {
  config: Config;
  logger: Logger;
  db: Database;
  store: GenerationStore;
  catalogCache: CatalogCache;
  api: ReplicateApi;
  catalog: Catalog;
  /** Finished media: DATA_DIR/media, or the S3 bucket when S3_* is set. One client per process. */
  media: MediaStorage;
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
   * Keep one render worker (and its Xvfb) between simulations, as a long-running bot wants: `eager`
   * starts it at once and keeps it up, `lazy` starts it with the first simulation and stops it
   * after `config.renderWorker.idleMs` without one. Without it (one-shot commands) each
   * simulation starts its own.
   */
  renderWorker?: Config['renderWorker']['mode'];
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
  // Xvfb servers a killed reelbot left behind with this data folder end here (see xvfb-registry.ts).
  const xvfbRegistry = createXvfbRegistry(path.join(config.dataDir, 'run'));
  const leftovers = xvfbRegistry.sweep();
  if (leftovers.length > 0)
    logger.warn({ pids: leftovers }, 'ended Xvfb servers a stopped reelbot left running');
  const xvfb = { registry: xvfbRegistry };
  const renderWorker = options.renderWorker
    ? startRenderWorker({
        display: config.display,
        xvfb,
        idleMs: options.renderWorker === 'lazy' ? config.renderWorker.idleMs : undefined,
        onState: (event) => {
          if (event.type === 'started') logger.info({ pid: event.pid }, 'render worker ready');
          else logger.info({ idleSeconds: event.idleMs / 1000 }, 'render worker stopped: no simulation came');
        },
      })
    : undefined;
  const simulator = createSimulator({
    openai: config.openai,
    renderOptions: {
      display: config.display,
      xvfb,
      physics: options.simulationPhysics,
      worker: renderWorker,
    },
    logger: logger.child({ part: 'simulation' }),
  });
  const media = createMediaStorage(config);
  const service = createGenerationService({
    config,
    store,
    storage: media,
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
    media,
    service,
    renderWorker,
    async close() {
      await service.close();
      await renderWorker?.close();
      await media.close?.();
      db.close();
    },
  };
}
