import { randomBytes } from 'node:crypto';
import { createMediaStorage } from '../media/configured-storage.js';
import { createGuardedDispatcher } from '../media/guarded-dispatcher.js';
import { createHostAllowList } from '../media/host-allow-list.js';
import { realTimers } from '../timers.js';
import { abortableSleep, defaultTimings, type LifecycleContext } from './context.js';
import { createInProcessEventBus } from './event-bus.js';
import { createInProcessJobRunner, type Job, type JobKind } from './job-queue.js';
import { createLifecycle } from './lifecycle.js';
import { createLiveStatus } from './live-status.js';
import { isFinalPrediction } from './prediction-poller.js';
import { createServerRules } from './server-rules.js';
import type { GenerationServiceDeps, ReelbotGenerationService } from './service-deps.js';
import { runSimulation, simulationModel } from './simulation-job.js';
import { defaultPrices } from './spend/default-prices.js';
import { usageReport } from './spend/usage.js';

export type { GenerationServiceDeps, ReelbotGenerationService } from './service-deps.js';
export type { Simulator } from './simulation-job.js';

import { createAdmission } from './admission.js';
import { cancelGeneration } from './cancel.js';
import { deleteGeneration } from './delete.js';
import { createExtender } from './extend.js';
import { createModerationGate } from './moderation.js';
import { createRefusalRecorder } from './refusals.js';
import { createRequests, noSimulator } from './requests.js';
import type { Generation, GenerationEvent, GenerationListener } from './types.js';
import { createWebhookEndpoint } from './webhook-endpoint.js';

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
  const bus = deps.bus ?? createInProcessEventBus();
  const rules = deps.serverRules ?? createServerRules({ config, clock });
  const limitsFor = deps.limitsFor ?? rules.limitsFor;
  let closed = false;
  const live = createLiveStatus({
    store,
    runner,
    timers: deps.timers ?? realTimers,
    intervalMs: deps.statusTickMs ?? 8000,
    emit: (event) => emit(event),
  });

  // Events go out through the bus and come back to this process's listeners from it, so a worker's
  // events reach the bot that edits the chat message, wherever it runs.
  function emit(told: GenerationEvent) {
    bus.publish(live.prepare(told));
  }
  const unsubscribeBus = bus.subscribe((event) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.child({ generationId: event.generation.id }).error({ err: error }, 'event listener threw');
      }
    }
  });

  const ctx: LifecycleContext = {
    store,
    api,
    storage: deps.storage ?? createMediaStorage(config),
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

  // Queue moves are announced in the order they happened: each waits for the one before, so an
  // older place never lands after a newer one while the rows are read.
  let announcing = Promise.resolve();
  runner.onQueueChange((places) => {
    announcing = announcing
      .then(async () => {
        for (const [id, place] of places) {
          const generation = await store.get(id);
          if (generation?.status === 'queued') emit({ type: 'queued', generation, ...place });
        }
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not announce queue places'));
  });

  /**
   * The work of a job, derived from its generation alone (the store has the rest), so any process
   * that can perform jobs continues one that another process submitted.
   */
  async function perform(job: Job, signal: AbortSignal): Promise<void> {
    const simulator = deps.simulator;
    if (job.kind === 'generation') return lifecycle.run(job.id, signal);
    if (simulator) return runSimulation(ctx, lifecycle.keeper, simulator, job.id, signal);
    return failUnrenderable(job.id);
  }
  const performsJobs = deps.performsJobs !== false;
  if (performsJobs) runner.work(perform);

  // Only the process running a generation's job applies a webhook's end that another process
  // received, so the download and poster happen once, where the job runs. A job that has not begun
  // polling yet takes it too: it finds the generation downloading when it gets there.
  const unsubscribePredictions = performsJobs
    ? bus.subscribePredictions(({ generationId, prediction }) => {
        if (!lifecycle.tracker.tracks(generationId) && runner.position(generationId) !== 0) return;
        lifecycle.push(generationId, prediction).catch((error: unknown) => {
          logger
            .child({ generationId, predictionId: prediction.id })
            .error({ err: error }, 'could not apply a webhook another process received');
        });
      })
    : undefined;

  function submit(generation: Generation, resumed = false) {
    const kind: JobKind = generation.source === 'replicate' ? 'generation' : 'render';
    const owner = `${generation.requester.platform}:${generation.requester.userId}`;
    const position = runner.submit({ id: generation.id, owner, kind }, { resumed });
    live.watch(generation);
    const place = runner.place(generation.id);
    // Still queued when it is announced: the row passed in is what was recorded, which is fresh.
    if (position > 0 && place) emit({ type: 'queued', generation, ...place });
  }

  /** A simulation left by a process that could render, picked up by one that cannot. */
  async function failUnrenderable(generationId: string) {
    const reason = noSimulator().userMessage;
    const done = {
      status: 'failed' as const,
      error: reason,
      errorCode: 'SIMULATION_UNAVAILABLE',
      completedAt: clock(),
    };
    if (await store.transition(generationId, ['queued', 'starting', 'processing'], done))
      emit({ type: 'failed', generation: (await store.get(generationId))!, reason });
  }

  const webhook = createWebhookEndpoint({
    configuredSecret: config.replicate.webhookSecret,
    api,
    store,
    logger: logger.child({ part: 'webhook' }),
    clock,
    // A process that performs no jobs (a web or bot process) records what a webhook says, but
    // leaves the end (download, poster) to the worker tracking the job: otherwise the web process
    // would do the heavy work the workers are there for. The end goes over the bus, so that worker
    // applies it now instead of at its next poll (which may be far off when webhooks carry the
    // news and polling is only their safety net).
    push: async (generationId, prediction) => {
      if (performsJobs || !isFinalPrediction(prediction)) return lifecycle.push(generationId, prediction);
      bus.publishPrediction({ type: 'prediction-final', generationId, prediction });
    },
    isClosed: () => closed,
  });

  const admission = createAdmission({
    config,
    store,
    limitsFor,
    rules,
    clock,
    logger,
    isClosed: () => closed,
    submit: (generation) => submit(generation),
  });
  const moderation = createModerationGate({ moderator: deps.moderator, config, logger, clock });
  const requests = createRequests({
    admission,
    store,
    api,
    catalog: deps.catalog,
    attachmentDispatcher: deps.attachmentDispatcher,
    canSimulate: deps.simulator !== undefined,
    checkScene: deps.simulator?.checkScene?.bind(deps.simulator),
    rules,
    moderation,
    logger,
  });

  // Every refusal passes here, whichever check made it: one place records them all.
  const refusals = createRefusalRecorder({ log: deps.refusals, clock, logger });
  const modelOf = (generationId: string) => async () => (await store.get(generationId))?.model;
  const simulate = requests.simulate;
  const extender = createExtender({
    admission,
    store,
    storage: ctx.storage,
    api,
    catalog: deps.catalog,
    config,
    moderation,
    rules,
    logger,
  });

  const cancel: ReelbotGenerationService['cancel'] = (generationId, by) =>
    cancelGeneration(
      {
        store,
        api,
        logger,
        clock,
        emit,
        dequeue: (id) => runner.cancel(id),
        abortDownload: (id) => lifecycle.downloader.abort(id),
      },
      generationId,
      by,
    );

  return {
    // Offered only with a simulator, so the bots can tell whether /simulate works here.
    ...(deps.simulator
      ? {
          simulate: (request) => refusals.watch(request.requester, simulationModel, () => simulate(request)),
        }
      : {}),
    start: (request) => refusals.watch(request.requester, request.model, () => requests.start(request)),
    reroll: (generationId, requester) =>
      refusals.watch(requester, modelOf(generationId), () => requests.reroll(generationId, requester)),
    extend: (request) =>
      refusals.watch(request.requester, modelOf(request.generationId), () => extender.extend(request)),
    planExtend: extender.plan,

    cancel,

    delete: (generationId, by) =>
      deleteGeneration({ store, storage: ctx.storage, logger, cancel }, generationId, by),

    get: (generationId) => store.get(generationId),

    usage: (requester, options) =>
      usageReport({ usage: store, limitsFor }, requester, { ...options, now: clock() }),

    checkQuota: (requester, videos) =>
      refusals.watch(requester, undefined, () => admission.checkQuota(requester, videos)),
    checkReroll: async (generationId, requester) => {
      await refusals.watch(requester, modelOf(generationId), () =>
        requests.checkReroll(generationId, requester),
      );
    },
    checkPrompt: (prompt, requester) =>
      refusals.watch(requester, undefined, () => requests.checkPrompt(prompt, requester)),

    async setMessageRef(generationId, messageRef) {
      await store.update(generationId, { messageRef });
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async resume() {
      admission.assertOpen();
      const unfinished = await store.listUnfinished();
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
      // A record that passed its checks before `closed` finishes (insert and submit) first, so
      // no row is added behind a closed queue.
      await admission.drain();
      await runner.close();
      unsubscribeBus();
      unsubscribePredictions?.();
      await lifecycle.downloader.abortAll();
      await ownDispatcher?.close();
    },

    handleWebhook: webhook.handle,
    queuePosition: (generationId) => runner.position(generationId),
    queuePlace: (generationId) => runner.place(generationId),
  };
}
