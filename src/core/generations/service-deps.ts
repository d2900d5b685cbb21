import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../config.js';
import type { MediaStorage } from '../media/storage.js';
import type { Catalog } from '../replicate/catalog.js';
import type { ReplicateApi } from '../replicate/client.js';
import type { Timers } from '../timers.js';
import type { LifecycleTimings } from './context.js';
import type { EventBus } from './event-bus.js';
import type { GenerationStore } from './generation-store.js';
import type { JobRunner } from './job-queue.js';
import type { Moderator } from './moderation.js';
import type { RefusalLog } from './refusals.js';
import type { ServerRules } from './server-rules.js';
import type { GenerationService } from './service-types.js';
import type { Simulator } from './simulation-job.js';
import type { LimitsFor } from './spend/limits.js';
import type { PriceTable } from './spend/prices.js';
import type { WebhookHandler } from './webhook.js';

/** What the generation service is built from. Defaults are real; tests pass fakes and short timings. */
export interface GenerationServiceDeps {
  config: Pick<
    Config,
    'dataDir' | 'publicUrl' | 'download' | 'limits' | 'replicate' | 'spend' | 'moderation' | 's3'
  > &
    Partial<Pick<Config, 'chains'>>;
  store: GenerationStore;
  api: Pick<
    ReplicateApi,
    | 'createPrediction'
    | 'getPrediction'
    | 'cancelPrediction'
    | 'listPredictions'
    | 'uploadFile'
    | 'getWebhookSecret'
  >;
  /** `listModels` finds an image-to-video model to extend with when none is configured. */
  catalog: Pick<Catalog, 'getModel'> & Partial<Pick<Catalog, 'listModels'>>;
  logger: Logger;
  /** Media storage; the one `config` names (S3 when `s3` is set, else DATA_DIR) by default. */
  storage?: MediaStorage;
  /** The job runner; in-process with `config.limits.total` by default. */
  runner?: JobRunner;
  /**
   * Whether this process performs jobs (gives the runner its performer). True by default; false
   * for a process that only submits to a shared queue (`reelbot start --role bot` with REDIS_URL).
   */
  performsJobs?: boolean;
  /** Where events go to reach every process; in-process by default. */
  bus?: EventBus;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Timers of the status ticks; Node's by default. */
  timers?: Timers;
  /** A running generation quiet this long gets a `tick` event (default 8 s: status edits at least every 10 s). */
  statusTickMs?: number;
  timings?: Partial<LifecycleTimings>;
  /** For output downloads; by default an agent that refuses private addresses not listed by name. */
  downloadDispatcher?: Dispatcher;
  /** For chat attachments (Discord CDN, Slack files); undici's global dispatcher by default. */
  attachmentDispatcher?: Dispatcher;
  /** Names this process in download claims; random by default. */
  workerId?: string;
  /** The physics simulation (src/simulation); the service offers `simulate` only with one. */
  simulator?: Simulator;
  /** Replicate's prices (the shipped table by default; `PRICES_FILE` replaces it). */
  prices?: PriceTable;
  /** OpenAI moderation of prompts and images (with OPENAI_API_KEY); nothing is moderated without it. */
  moderator?: Moderator;
  /** Each place's daily quotas; the environment's (`config.spend`) everywhere by default. */
  limitsFor?: LimitsFor;
  /** Where refused requests are kept for the operator's page; they are only logged without it. */
  refusals?: RefusalLog;
  /**
   * Each server's settings over the environment's defaults (the runtime builds them on the store
   * and the catalog). Without them every server keeps BLOCKED_TERMS and the spend defaults, and
   * no model allow-list is enforced.
   */
  serverRules?: ServerRules;
}

/** The service with what the web server and the CLI need besides the bots' interface. */
export interface ReelbotGenerationService extends GenerationService {
  /** The handler for `POST /webhooks/replicate` (pure: headers and raw body in, status out). */
  handleWebhook: WebhookHandler;
  /** 1-based place of a waiting generation, 0 when running, undefined when not held here. */
  queuePosition(generationId: string): number | undefined;
}
