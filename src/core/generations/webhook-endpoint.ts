import type { Logger } from 'pino';
import type { ReplicateApi } from '../replicate/client.js';
import type { ReplicatePrediction } from '../replicate/types.js';
import type { GenerationStore } from './generation-store.js';
import { createWebhookHandler, type WebhookHandler } from './webhook.js';

/**
 * The service's `POST /webhooks/replicate`: the signing secret from config, or fetched from
 * Replicate once (and again after a failure); verified snapshots go to `push`, for the generation
 * that owns the prediction or (before its id is recorded) the one named in the webhook URL. While
 * the service shuts down it answers 503, so Replicate sends the delivery again later.
 */
export function createWebhookEndpoint(options: {
  configuredSecret?: string;
  api: Pick<ReplicateApi, 'getWebhookSecret'>;
  store: GenerationStore;
  logger: Logger;
  clock: () => number;
  push: (generationId: string, prediction: ReplicatePrediction) => Promise<void>;
  isClosed: () => boolean;
}): { handle: WebhookHandler; secret: () => Promise<string> } {
  const { store, logger } = options;
  let fetched: Promise<string> | undefined;

  function secret(): Promise<string> {
    if (options.configuredSecret) return Promise.resolve(options.configuredSecret);
    fetched ??= options.api.getWebhookSecret().then(
      (answer) => answer.key,
      (error) => {
        fetched = undefined;
        throw error;
      },
    );
    return fetched;
  }

  const verified = createWebhookHandler({
    secret,
    seenDelivery: (id) => store.seenWebhook(id),
    rememberDelivery: async (id) => {
      await store.rememberWebhook(id);
    },
    clock: options.clock,
    logger,
    onPrediction: async (prediction, hintedGenerationId) => {
      const generation =
        (await store.getByPrediction(prediction.id)) ??
        (hintedGenerationId ? await store.get(hintedGenerationId) : undefined);
      if (!generation) {
        logger.info(
          { predictionId: prediction.id },
          'webhook for a prediction reelbot does not know; ignored',
        );
        return;
      }
      await options.push(generation.id, prediction);
    },
  });

  return {
    secret,
    handle: async (request) =>
      options.isClosed() ? { status: 503, body: { error: 'shutting down' } } : verified(request),
  };
}
