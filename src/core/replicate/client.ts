import type { Logger } from 'pino';
import Replicate from 'replicate';
import { NotFoundError, RateLimitError, ReelbotError, UpstreamError } from '../errors.js';
import { createRetryingFetch, type RetryPolicy } from './retrying-fetch.js';
import type {
  ReplicateCollection,
  ReplicateFile,
  ReplicateModel,
  ReplicatePrediction,
  ReplicateVersion,
} from './types.js';

export interface ReplicateApiOptions {
  token?: string;
  /** `REPLICATE_API_URL`; tests point it at the fake in test/fakes/replicate. */
  apiUrl: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

/** What a new prediction needs. Version-based when `version` is set, model-based otherwise. */
export interface CreatePredictionOptions {
  /** `owner/name`. */
  model: string;
  version?: string;
  input: Record<string, unknown>;
  webhook?: string;
  webhookEventsFilter?: ('start' | 'output' | 'logs' | 'completed')[];
  signal?: AbortSignal;
}

/** The client's ApiError is not exported at run time; it is the error that carries a Response. */
function isApiError(error: unknown): error is Error & { response: Response } {
  return error instanceof Error && error.name === 'ApiError' && 'response' in error;
}

/** Turns the client's ApiError into our errors, so callers branch on classes, not on text. */
function translate(error: unknown, what: string): never {
  if (error instanceof ReelbotError) throw error;
  if (isApiError(error)) {
    const status = error.response.status;
    const detail = error.message.replace(/^Request to \S+ failed with status /, '');
    if (status === 404)
      throw new NotFoundError(what.split(' ')[0] ?? 'resource', what.split(' ').slice(1).join(' '));
    if (status === 401 || status === 403)
      throw new ReelbotError(
        'REPLICATE_UNAUTHORIZED',
        `Replicate refused our token (${status}) for ${what}`,
        {
          cause: error,
          userMessage:
            'reelbot is not allowed to use Replicate right now. An admin needs to check REPLICATE_API_TOKEN.',
        },
      );
    if (status === 429) throw new RateLimitError(60_000);
    if (status === 402)
      throw new ReelbotError('REPLICATE_BILLING', `Replicate needs billing set up (${detail})`, {
        cause: error,
        userMessage: 'Replicate says the account behind reelbot has run out of credit.',
      });
    if (status >= 500) throw new UpstreamError(`Replicate failed on ${what}: ${detail}`, status, error);
    throw new ReelbotError('REPLICATE_REJECTED', `Replicate rejected ${what}: ${detail}`, {
      cause: error,
      userMessage: `Replicate did not accept the request: ${detail.slice(0, 300)}`,
      context: { status },
    });
  }
  throw new UpstreamError(`Replicate request for ${what} failed`, undefined, error);
}

/**
 * The Replicate HTTP API as reelbot uses it: the official client, our base URL, and our retrying
 * fetch. Every method throws our error classes.
 */
export function createReplicateApi(options: ReplicateApiOptions) {
  const client = new Replicate({
    auth: options.token,
    baseUrl: options.apiUrl,
    fetch: createRetryingFetch({
      fetch: options.fetch,
      sleep: options.sleep,
      policy: options.retry,
      logger: options.logger,
    }),
  });

  async function call<T>(what: string, request: () => Promise<unknown>): Promise<T> {
    try {
      return (await request()) as T;
    } catch (error) {
      translate(error, what);
    }
  }

  return {
    getCollection: (slug: string) =>
      call<ReplicateCollection>(`collection ${slug}`, () => client.collections.get(slug)),
    getModel: (owner: string, name: string) =>
      call<ReplicateModel>(`model ${owner}/${name}`, () => client.models.get(owner, name)),
    getVersion: (owner: string, name: string, id: string) =>
      call<ReplicateVersion>(`version ${owner}/${name}:${id}`, () =>
        client.models.versions.get(owner, name, id),
      ),
    createPrediction: (create: CreatePredictionOptions) =>
      call<ReplicatePrediction>(`model ${create.model}`, () =>
        client.predictions.create({
          ...(create.version ? { version: create.version } : { model: create.model }),
          input: create.input,
          webhook: create.webhook,
          webhook_events_filter: create.webhookEventsFilter,
          signal: create.signal,
        }),
      ),
    getPrediction: (id: string) =>
      call<ReplicatePrediction>(`prediction ${id}`, () => client.predictions.get(id)),
    /**
     * One page of this account's predictions, newest first (`GET /v1/predictions`); pass the
     * previous page's `next` URL to read on.
     */
    listPredictions: (next?: string) =>
      call<{ next?: string | null; results: ReplicatePrediction[] }>('predictions list', () =>
        next
          ? client.request(next, { method: 'GET' }).then((response) => response.json())
          : client.predictions.list(),
      ),
    cancelPrediction: (id: string) =>
      call<ReplicatePrediction>(`prediction ${id}`, () => client.predictions.cancel(id)),
    /**
     * Uploads bytes through the Files API; `urls.get` is what a model input takes. The client
     * names the multipart `content` part after `File.name` and types it from the blob's type; its
     * second argument is free-form metadata, so a bare Blob would arrive as `blob_<timestamp>`.
     */
    uploadFile: (data: Blob, filename: string) =>
      call<ReplicateFile>(`file ${filename}`, () =>
        client.files.create(new File([data], filename, { type: data.type })),
      ),
    /** The signing secret of webhooks (`whsec_...`). */
    getWebhookSecret: () =>
      call<{ key: string }>('webhook secret', () => client.webhooks.default.secret.get()),
  };
}

export type ReplicateApi = ReturnType<typeof createReplicateApi>;
