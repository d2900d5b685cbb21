import { NotFoundError, RateLimitError, ReelbotError, UpstreamError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CatalogCache } from './catalog-cache.js';
import {
  type CatalogCollection,
  type CatalogModel,
  type CatalogModelDetail,
  catalogCollections,
  rankModels,
  toCatalogModel,
} from './catalog-model.js';
import type { ReplicateApi } from './client.js';
import { fieldsFromSchema } from './schema.js';
import type { Field } from './schema-types.js';
import type { ReplicateModel } from './types.js';

export type { CatalogCollection, CatalogModel } from './catalog-model.js';
export { catalogCollections } from './catalog-model.js';

export interface CatalogOptions {
  api: Pick<ReplicateApi, 'getCollection' | 'getModel' | 'getVersion'>;
  cache: CatalogCache;
  /** How long a cached answer counts as fresh (config `catalogTtlMs`). */
  ttlMs: number;
  logger: Logger;
  clock?: () => number;
  /** How long `search` waits for Replicate when nothing is cached yet; default 2 s. */
  searchTimeoutMs?: number;
}

export interface SearchOptions {
  collection?: CatalogCollection;
  /** Default 25: what a Discord autocomplete can show. */
  limit?: number;
  /** Overrides `searchTimeoutMs` for this call. */
  timeoutMs?: number;
}

/** One model ready for a form. */
export interface CatalogModelWithFields {
  model: CatalogModel;
  versionId?: string;
  fields: Field[];
}

/** The catalog the bots, the CLI and the web read models through. */
export interface Catalog {
  /** The models of a collection, most run first. */
  listModels(collection: CatalogCollection): Promise<CatalogModel[]>;
  /** One model with the fields of its latest version. */
  getModel(ref: string): Promise<CatalogModelWithFields>;
  /**
   * Models matching `text` by name and description, best first. Answers from the cache at once
   * (refreshing stale collections in the background); waits at most `timeoutMs` when nothing is
   * cached, so autocomplete stays within the platforms' 3 s.
   */
  search(text: string, options?: SearchOptions): Promise<CatalogModel[]>;
  /** Loads both collections, e.g. at start, so the first autocomplete is served from the cache. */
  warm(): Promise<void>;
}

/** What the cache holds: the answer and when we fetched it, by our own clock. */
interface Stamped<T> {
  fetchedAt: number;
  data: T;
}

const collectionKey = (slug: string) => `collection:${slug}`;
const modelKey = (ref: string) => `model:${ref}`;
const refPattern = /^([\w.-]+)\/([\w.-]+)$/;

/**
 * The Replicate catalog behind a SQLite cache: fresh answers within `ttlMs`, a refresh after, and
 * the stale answer (with a warning) when Replicate fails. Concurrent refreshes of one key share a
 * request.
 */
export function createCatalog(options: CatalogOptions): Catalog {
  const { api, cache, ttlMs, logger } = options;
  const clock = options.clock ?? Date.now;
  const inflight = new Map<string, Promise<unknown>>();

  async function read<T>(key: string): Promise<Stamped<T> | undefined> {
    return (await cache.get<Stamped<T>>(key))?.value;
  }
  const isFresh = (entry: Stamped<unknown>) => clock() - entry.fetchedAt < ttlMs;

  function refresh<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const running = inflight.get(key);
    if (running) return running as Promise<T>;
    const promise = fetch()
      .then(async (data) => {
        await cache.set<Stamped<T>>(key, { fetchedAt: clock(), data });
        return data;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  }

  async function load<T>(key: string, what: string, fetch: () => Promise<T>): Promise<T> {
    const cached = await read<T>(key);
    if (cached && isFresh(cached)) return cached.data;
    try {
      return await refresh(key, fetch);
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
      if (cached) {
        logger.warn(
          { err: error, key, ageMs: clock() - cached.fetchedAt },
          `Replicate failed; serving the cached ${what}`,
        );
        return cached.data;
      }
      if (
        error instanceof ReelbotError &&
        !(error instanceof UpstreamError || error instanceof RateLimitError)
      )
        throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new UpstreamError(
        `Replicate failed while loading ${what}, and nothing is cached: ${detail}`,
        error instanceof UpstreamError ? error.status : undefined,
        error,
      );
    }
  }

  async function remember(model: ReplicateModel, collection: CatalogCollection): Promise<CatalogModel> {
    const entry = toCatalogModel(model, collection);
    // Collection listings carry each model's latest schema: keep it, getModel needs no request then.
    if (model.latest_version?.openapi_schema) {
      await cache.set<Stamped<CatalogModelDetail>>(modelKey(entry.ref), {
        fetchedAt: clock(),
        data: {
          model: entry,
          versionId: entry.versionId,
          openapiSchema: model.latest_version.openapi_schema,
        },
      });
    }
    return entry;
  }

  async function fetchCollection(slug: CatalogCollection): Promise<CatalogModel[]> {
    const collection = await api.getCollection(slug);
    const models = await Promise.all((collection.models ?? []).map((model) => remember(model, slug)));
    return models.sort((a, b) => b.runCount - a.runCount);
  }

  function listModels(slug: CatalogCollection): Promise<CatalogModel[]> {
    if (!catalogCollections.includes(slug)) return Promise.reject(new NotFoundError('collection', slug));
    return load(collectionKey(slug), `collection ${slug}`, () => fetchCollection(slug));
  }

  async function listedIn(ref: string): Promise<CatalogCollection | undefined> {
    for (const slug of catalogCollections)
      if ((await read<CatalogModel[]>(collectionKey(slug)))?.data.some((model) => model.ref === ref))
        return slug;
    return undefined;
  }

  async function fetchModel(owner: string, name: string): Promise<CatalogModelDetail> {
    const model = await api.getModel(owner, name);
    let schema = model.latest_version?.openapi_schema;
    const versionId = model.latest_version?.id;
    if (!schema && versionId) schema = (await api.getVersion(owner, name, versionId)).openapi_schema;
    const ref = `${owner}/${name}`;
    const probe = toCatalogModel(
      { ...model, latest_version: { id: versionId ?? '', openapi_schema: schema } },
      'text-to-video',
    );
    const collection = (await listedIn(ref)) ?? (probe.needsImage ? 'image-to-video' : 'text-to-video');
    return { model: { ...probe, collection }, versionId, openapiSchema: schema };
  }

  async function getModel(ref: string): Promise<CatalogModelWithFields> {
    const match = refPattern.exec(ref.trim());
    if (!match) throw new NotFoundError('model', ref);
    const [, owner, name] = match as unknown as [string, string, string];
    const normalized = `${owner}/${name}`;
    const detail = await load(modelKey(normalized), `model ${normalized}`, () => fetchModel(owner, name));
    if (!detail.openapiSchema)
      throw new ReelbotError('SCHEMA_MISSING', `Model ${normalized} publishes no input schema`, {
        userMessage: `The model ${normalized} has no published version reelbot can run.`,
        context: { model: normalized },
      });
    return {
      model: detail.model,
      versionId: detail.versionId,
      fields: fieldsFromSchema(detail.openapiSchema, normalized),
    };
  }

  async function search(text: string, searchOptions: SearchOptions = {}): Promise<CatalogModel[]> {
    const slugs = searchOptions.collection ? [searchOptions.collection] : catalogCollections;
    const limit = searchOptions.limit ?? 25;
    const waits: Promise<unknown>[] = [];
    for (const slug of slugs) {
      const cached = await read<CatalogModel[]>(collectionKey(slug));
      if (cached && isFresh(cached)) continue;
      const background = refresh(collectionKey(slug), () => fetchCollection(slug)).catch((error: unknown) => {
        logger.warn({ err: error, collection: slug }, 'Replicate failed; search answers from the cache');
      });
      if (!cached) waits.push(background);
    }
    if (waits.length > 0) {
      const timeoutMs = searchOptions.timeoutMs ?? options.searchTimeoutMs ?? 2000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref?.();
      });
      await Promise.race([Promise.all(waits), timeout]);
      clearTimeout(timer);
    }
    const seen = new Set<string>();
    const listed = await Promise.all(slugs.map((slug) => read<CatalogModel[]>(collectionKey(slug))));
    const models = listed
      .flatMap((entry) => entry?.data ?? [])
      .filter((model) => !seen.has(model.ref) && seen.add(model.ref));
    return rankModels(models, text).slice(0, limit);
  }

  return {
    listModels,
    getModel,
    search,
    async warm() {
      await Promise.all(catalogCollections.map((slug) => listModels(slug).catch(() => [])));
    },
  };
}
