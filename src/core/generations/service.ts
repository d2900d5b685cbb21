import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { NotFoundError, ReelbotError, ValidationError } from '../errors.js';
import { createGuardedDispatcher } from '../media/guarded-dispatcher.js';
import { createHostAllowList } from '../media/host-allow-list.js';
import { createLocalMediaStorage, type MediaStorage } from '../media/storage.js';
import { assertPromptLength } from '../prompt-limit.js';
import type { Catalog } from '../replicate/catalog.js';
import type { ReplicateApi } from '../replicate/client.js';
import { defaultPrices } from '../spend/default-prices.js';
import { createLimitsFor, type LimitsFor } from '../spend/limits.js';
import type { PriceTable } from '../spend/prices.js';
import { assertWithinQuota } from '../spend/quota.js';
import { usageReport } from '../spend/usage.js';
import { realTimers, type Timers } from '../timers.js';
import { abortableSleep, defaultTimings, type LifecycleContext, type LifecycleTimings } from './context.js';
import type { GenerationStore } from './generation-store.js';
import { prepareInput, randomSeed, seedField } from './input.js';
import { createInProcessJobRunner, type JobRunner } from './job-queue.js';
import { createLifecycle } from './lifecycle.js';
import { createLiveStatus } from './live-status.js';
import type { GenerationRequest, GenerationService, SimulationRequest } from './service-types.js';
import { runSimulation, type Simulator, simulationModel } from './simulation-job.js';
import { assertUnderUserCap } from './user-limits.js';

export type { Simulator } from './simulation-job.js';

import {
  type Generation,
  type GenerationEvent,
  type GenerationListener,
  isFinal,
  type Requester,
} from './types.js';
import type { WebhookHandler } from './webhook.js';
import { createWebhookEndpoint } from './webhook-endpoint.js';

/** What the generation service is built from. Defaults are real; tests pass fakes and short timings. */
export interface GenerationServiceDeps {
  config: Pick<Config, 'dataDir' | 'publicUrl' | 'download' | 'limits' | 'replicate' | 'spend'>;
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
  catalog: Pick<Catalog, 'getModel'>;
  logger: Logger;
  /** Media storage; local disk under DATA_DIR by default. */
  storage?: MediaStorage;
  /** The job runner; in-process with `config.limits.total` by default. */
  runner?: JobRunner;
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
  /** Each place's daily quotas; the environment's (`config.spend`) everywhere by default. */
  limitsFor?: LimitsFor;
}

/** The service with what the web server and the CLI need besides the bots' interface. */
export interface ReelbotGenerationService extends GenerationService {
  /** The handler for `POST /webhooks/replicate` (pure: headers and raw body in, status out). */
  handleWebhook: WebhookHandler;
  /** 1-based place of a waiting generation, 0 when running, undefined when not held here. */
  queuePosition(generationId: string): number | undefined;
}

function noSimulator(): ReelbotError {
  return new ReelbotError('SIMULATION_UNAVAILABLE', 'this reelbot has no simulator', {
    userMessage: 'Physics simulations are not available on this reelbot.',
  });
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Builds the generation service: validates and records requests, runs them under the limits,
 * tracks predictions by polling and webhooks, downloads and keeps every video, and tells
 * subscribers. Call `resume()` once at start to pick up work a previous process left.
 */
export function createGenerationService(deps: GenerationServiceDeps): ReelbotGenerationService {
  const { config, store, api, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const createdAt = clock();
  const listeners = new Set<GenerationListener>();
  const ownDispatcher = deps.downloadDispatcher
    ? undefined
    : createGuardedDispatcher(createHostAllowList(config.download.allowedHosts));
  const runner =
    deps.runner ??
    createInProcessJobRunner({
      total: config.limits.total,
      perUser: config.limits.perUser,
      logger: logger.child({ part: 'jobs' }),
    });
  const limitsFor = deps.limitsFor ?? createLimitsFor(config.spend);
  let closed = false;
  const live = createLiveStatus({
    store,
    runner,
    timers: deps.timers ?? realTimers,
    intervalMs: deps.statusTickMs ?? 8000,
    emit: (event) => emit(event),
  });

  function emit(told: GenerationEvent) {
    const event = live.prepare(told);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.child({ generationId: event.generation.id }).error({ err: error }, 'event listener threw');
      }
    }
  }

  const ctx: LifecycleContext = {
    store,
    api,
    storage: deps.storage ?? createLocalMediaStorage(config.dataDir),
    logger,
    clock,
    sleep: abortableSleep(deps.sleep ?? realSleep),
    emit,
    timings: { ...defaultTimings, ...deps.timings },
    workerId: deps.workerId ?? `w_${randomBytes(6).toString('hex')}`,
    publicUrl: config.publicUrl,
    download: {
      allowedHosts: config.download.allowedHosts,
      maxBytes: config.download.maxBytes,
      dispatcher: deps.downloadDispatcher ?? ownDispatcher,
    },
    prices: deps.prices ?? defaultPrices,
  };
  const lifecycle = createLifecycle(ctx);

  runner.onQueueChange((places) => {
    for (const [id, place] of places) {
      const generation = store.get(id);
      if (generation?.status === 'queued') emit({ type: 'queued', generation, ...place });
    }
  });

  function submit(generation: Generation, resumed = false) {
    const simulator = deps.simulator;
    const run =
      generation.source === 'replicate'
        ? (signal: AbortSignal) => lifecycle.run(generation.id, signal)
        : simulator
          ? (signal: AbortSignal) => runSimulation(ctx, lifecycle.keeper, simulator, generation.id, signal)
          : async () => failUnrenderable(generation.id);
    const owner = `${generation.requester.platform}:${generation.requester.userId}`;
    const position = runner.submit({ id: generation.id, owner, run }, { resumed });
    live.watch(generation.id);
    const place = runner.place(generation.id);
    if (position > 0 && place) emit({ type: 'queued', generation: store.get(generation.id)!, ...place });
  }

  /** A simulation left by a process that could render, picked up by one that cannot. */
  function failUnrenderable(generationId: string) {
    const reason = noSimulator().userMessage;
    const done = {
      status: 'failed' as const,
      error: reason,
      errorCode: 'SIMULATION_UNAVAILABLE',
      completedAt: clock(),
    };
    if (store.transition(generationId, ['queued', 'starting', 'processing'], done))
      emit({ type: 'failed', generation: store.get(generationId)!, reason });
  }

  function assertOpen() {
    if (closed)
      throw new ReelbotError('SHUTTING_DOWN', 'generation service is closed', {
        userMessage: 'reelbot is restarting. Please try again in a minute.',
      });
  }

  function checkUserLimit(requester: Requester) {
    const inFlight = store.countRunning({ platform: requester.platform, userId: requester.userId });
    assertUnderUserCap(inFlight, config.limits, requester.userId);
  }

  /**
   * Replicate videos are paid for: past a daily quota they are refused before anything is sent.
   * The command line is the operator's own, and holds no quota.
   */
  function checkQuota(requester: Requester) {
    if (requester.platform === 'cli') return;
    assertWithinQuota(store, requester, limitsFor(requester), clock());
  }

  function record(generation: Omit<Parameters<GenerationStore['insert']>[0], 'status'>) {
    // Checked again right before the insert, with no await in between: the service cannot have
    // closed meanwhile (a row recorded now would be made on the next start after the user was
    // told no), and two quick requests of one user cannot both slip under the limits.
    assertOpen();
    checkUserLimit(generation.requester);
    if (generation.source === 'replicate') checkQuota(generation.requester);
    const created = store.insert({ ...generation, status: 'queued' });
    logger
      .child({ generationId: created.id })
      .info({ model: created.model, user: created.requester.userId }, 'generation recorded');
    submit(created);
    return store.get(created.id)!;
  }

  const webhook = createWebhookEndpoint({
    configuredSecret: config.replicate.webhookSecret,
    api,
    store,
    logger: logger.child({ part: 'webhook' }),
    clock,
    push: (generationId, prediction) => lifecycle.push(generationId, prediction),
    isClosed: () => closed,
  });

  async function simulate(request: SimulationRequest): Promise<Generation> {
    assertOpen();
    const prompt = request.prompt.trim();
    if (!prompt) throw new ValidationError([{ field: 'prompt', message: 'prompt is required' }]);
    assertPromptLength(prompt);
    const seed = request.seed ?? randomInt(0, 2 ** 31 - 1);
    return record({
      source: 'simulation',
      requester: request.requester,
      model: simulationModel,
      prompt,
      input: request.scene === undefined ? { prompt, seed } : { prompt, seed, scene: request.scene },
      seed,
      messageRef: request.messageRef,
    });
  }

  return {
    // Offered only with a simulator, so the bots can tell whether /simulate works here.
    ...(deps.simulator ? { simulate } : {}),

    async start(request: GenerationRequest) {
      assertOpen();
      // Before the catalog and any attachment upload: a refused request costs nothing.
      checkQuota(request.requester);
      const model = await deps.catalog.getModel(request.model);
      checkUserLimit(request.requester);
      const prepared = await prepareInput({
        fields: model.fields,
        values: request.values,
        attachments: request.attachments,
        api,
        dispatcher: deps.attachmentDispatcher,
      });
      return record({
        source: 'replicate',
        requester: request.requester,
        model: model.model.ref,
        version: model.versionId,
        prompt: prepared.prompt,
        input: prepared.input,
        seed: prepared.seed,
        messageRef: request.messageRef,
      });
    },

    async reroll(generationId, requester) {
      assertOpen();
      const previous = store.get(generationId);
      if (!previous) throw new NotFoundError('generation', generationId);
      if (previous.source === 'simulation') {
        if (!deps.simulator) throw noSimulator();
        return simulate({ requester, prompt: previous.prompt ?? '' });
      }
      checkQuota(requester);
      const model = await deps.catalog.getModel(previous.model);
      const input = { ...previous.input };
      const field = seedField(model.fields);
      let seed = previous.seed;
      if (field) {
        seed = randomSeed(field);
        input.seed = seed;
      }
      return record({
        source: 'replicate',
        requester,
        model: previous.model,
        version: model.versionId ?? previous.version,
        prompt: previous.prompt,
        input,
        seed,
      });
    },

    async cancel(generationId, by) {
      const generation = store.get(generationId);
      if (!generation) throw new NotFoundError('generation', generationId);
      if (generation.requester.userId !== by.userId && !by.admin)
        throw new ReelbotError('CANCEL_NOT_ALLOWED', `${by.userId} may not cancel ${generationId}`, {
          userMessage: 'Only the person who asked for this video (or an admin) can cancel it.',
        });
      if (isFinal(generation.status)) return generation;
      const log = logger.child({ generationId });
      store.update(generationId, { cancelRequested: true });
      if (generation.predictionId)
        await api.cancelPrediction(generation.predictionId).catch((error) => {
          log.warn({ err: error }, 'Replicate did not cancel the prediction');
        });
      const won = store.transition(generationId, ['queued', 'starting', 'processing', 'downloading'], {
        status: 'canceled',
        completedAt: clock(),
      });
      runner.cancel(generationId);
      lifecycle.downloader.abort(generationId);
      const now = store.get(generationId)!;
      if (won) {
        log.info({ by: by.userId, admin: Boolean(by.admin) }, 'generation canceled');
        emit({ type: 'canceled', generation: now });
      }
      return now;
    },

    get: (generationId) => store.get(generationId),

    checkQuota,

    usage: (requester, options) =>
      usageReport({ usage: store, limitsFor }, requester, { ...options, now: clock() }),

    setMessageRef(generationId, messageRef) {
      store.update(generationId, { messageRef });
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async resume() {
      assertOpen();
      const unfinished = store.listUnfinished();
      await lifecycle.downloader
        .removeAbandoned(createdAt)
        .catch((error: unknown) => logger.warn({ err: error }, 'could not clean the temp directory'));
      if (config.publicUrl)
        void webhook.secret().catch((error) => logger.warn({ err: error }, 'no webhook secret yet'));
      // Work already under way first (it takes its slots at once), then the waiting, oldest first,
      // so the queue comes back in the order it had.
      const inFlightFirst = [
        ...unfinished.filter((g) => g.status !== 'queued'),
        ...unfinished.filter((g) => g.status === 'queued'),
      ];
      for (const generation of inFlightFirst) {
        if (runner.position(generation.id) !== undefined) continue;
        logger
          .child({ generationId: generation.id })
          .info({ status: generation.status }, 'resuming generation');
        submit(generation, generation.status !== 'queued');
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      live.close();
      await runner.close();
      await lifecycle.downloader.abortAll();
      await ownDispatcher?.close();
    },

    handleWebhook: webhook.handle,
    queuePosition: (generationId) => runner.position(generationId),
    queuePlace: (generationId) => runner.place(generationId),
  };
}
