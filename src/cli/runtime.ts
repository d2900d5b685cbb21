import path from 'node:path';
import type { Config } from '../core/config.js';
import { pollSchedule } from '../core/generations/context.js';
import { createInProcessEventBus, type EventBus } from '../core/generations/event-bus.js';
import type { GenerationStore } from '../core/generations/generation-store.js';
import { createGroupService, type GroupService } from '../core/generations/groups/group-service.js';
import type { Moderator } from '../core/generations/moderation.js';
import { createServerRules, type ServerRules } from '../core/generations/server-rules.js';
import { createGenerationService, type ReelbotGenerationService } from '../core/generations/service.js';
import type { PriceTable } from '../core/generations/spend/prices.js';
import type { Logger } from '../core/logger.js';
import { createMediaStorage } from '../core/media/configured-storage.js';
import type { MediaStorage } from '../core/media/storage.js';
import { createBullmqJobRunner } from '../core/redis/bullmq-runner.js';
import { createRedisEventBus } from '../core/redis/event-bus.js';
import { type Catalog, createCatalog } from '../core/replicate/catalog.js';
import type { CatalogCache } from '../core/replicate/catalog-cache.js';
import { createReplicateApi, type ReplicateApi } from '../core/replicate/client.js';
import { openStore, type Store } from '../core/store/index.js';
import { createOpenAIModerator } from '../moderation/openai.js';
import type { RenderOptions } from '../simulation/render-on-worker.js';
import { type RenderWorker, startRenderWorker } from '../simulation/render-worker-handle.js';
import { createXvfbRegistry } from '../simulation/renderer/xvfb-registry.js';
import { createSimulator } from '../simulation/simulator.js';

/** The platform-free core, wired once for a process: what `start` and `generate` share. */
export interface CoreRuntime {
  config: Config;
  logger: Logger;
  /** The open store with all its ports: SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL. */
  database: Store;
  store: GenerationStore;
  catalogCache: CatalogCache;
  api: ReplicateApi;
  catalog: Catalog;
  /** Finished media: DATA_DIR/media, or the S3 bucket when S3_* is set. One client per process. */
  media: MediaStorage;
  service: ReelbotGenerationService;
  /** Groups of generations shown as one (compare, batch). */
  groups: GroupService;
  /** Each server's settings (set in chat) over the environment's defaults, with their audit log. */
  rules: ServerRules;
  /** The render worker kept warm between simulations, when the command asked for one. */
  renderWorker?: RenderWorker;
  /** Where the service's events travel: this process, or every process on REDIS_URL. */
  bus: EventBus;
  /** Resolves once events from other processes arrive (the Redis subscription is up). */
  ready: Promise<void>;
  /** Stops the service (unfinished work resumes next start), the render worker and the database. */
  close(): Promise<void>;
}

/** OpenAI's moderation when OPENAI_API_KEY is set; none (everything passes) without it. */
export function moderatorFor(config: Pick<Config, 'openai'>): Moderator | undefined {
  return config.openai
    ? createOpenAIModerator({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl })
    : undefined;
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
  /**
   * Whether this process performs jobs (true by default). A bot or web process on REDIS_URL only
   * submits; the `reelbot worker` processes perform.
   */
  performsJobs?: boolean;
  /**
   * Join the deployment's shared queue and events when REDIS_URL is set (`reelbot start`). One-shot
   * commands (`generate`, `simulate`) keep their jobs in process: they must not take other
   * people's jobs from the shared queue, nor leave theirs for a worker when they exit.
   */
  shared?: boolean;
}

/**
 * Opens the store (SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL) and builds the Replicate
 * client, the catalog, the simulator and the generation service.
 */
export async function createCoreRuntime(
  config: Config,
  logger: Logger,
  options: CoreRuntimeOptions = {},
): Promise<CoreRuntime> {
  const database = await openStore(config, {
    onIdleError: (error) => logger.warn({ err: error }, 'a database connection failed while idle'),
  });
  const store = database.generations;
  const api = createReplicateApi({
    token: config.replicate.token,
    apiUrl: config.replicate.apiUrl,
    logger: logger.child({ part: 'replicate' }),
  });
  const catalogCache = database.catalogCache;
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
  // With REDIS_URL, jobs and events are shared by every process of the deployment.
  const redis = options.shared ? config.redis : undefined;
  const redisBus = redis
    ? createRedisEventBus({ url: redis.url, logger: logger.child({ part: 'events' }) })
    : undefined;
  const bus = redisBus ?? createInProcessEventBus();
  const runner = redis
    ? createBullmqJobRunner({
        url: redis.url,
        total: config.limits.total,
        perUser: config.limits.perUser,
        logger: logger.child({ part: 'jobs' }),
      })
    : undefined;
  const rules = createServerRules({ config, store: database.serverSettings, catalog });
  const service = createGenerationService({
    config,
    serverRules: rules,
    store,
    storage: media,
    api,
    catalog,
    logger,
    simulator,
    prices: options.prices,
    runner,
    bus,
    performsJobs: options.performsJobs,
    timings: pollSchedule({ maxMs: config.replicate.pollMaxMs, webhooks: config.publicUrl !== undefined }),
    refusals: database.refusals,
    moderator: moderatorFor(config),
  });
  // Compare and batch: members go through `service`; the process that performs jobs makes the grid.
  const groups = createGroupService({
    service,
    groups: database.groups,
    catalog,
    storage: media,
    logger: logger.child({ part: 'groups' }),
    composes: options.performsJobs !== false,
    bus,
  });
  return {
    config,
    logger,
    database,
    store,
    catalogCache,
    api,
    catalog,
    media,
    service,
    groups,
    rules,
    renderWorker,
    bus,
    ready: redisBus?.ready ?? Promise.resolve(),
    async close() {
      await groups.close();
      await service.close();
      await bus.close();
      await renderWorker?.close();
      await media.close?.();
      await database.close();
    },
  };
}
