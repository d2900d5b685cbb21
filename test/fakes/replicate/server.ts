import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplicateCollection, ReplicateModel } from '../../../src/core/replicate/types.js';
import { fixtureCollections, fixtureModels } from './catalog.js';
import { type FakeRequest, type FakeRoute, matchPath, readBody, sendJson } from './http.js';
import {
  createPredictionState,
  type PredictionState,
  predictionRoutes,
  wirePredictions,
} from './predictions.js';

/** A canned failure: the next `times` requests matching `method path` get this answer. */
export interface InjectedFault {
  method?: string;
  /** A path prefix such as `/v1/predictions`. */
  pathPrefix: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times: number;
  /** Drop the connection instead of answering. */
  destroy?: boolean;
}

export interface FakeReplicateState {
  token: string;
  models: Map<string, ReplicateModel>;
  collections: Record<string, ReplicateCollection>;
  faults: InjectedFault[];
  /** Every request seen, in order, for assertions. */
  requests: { method: string; path: string; body: string; authorization?: string }[];
  /** The base URL of this server, e.g. http://127.0.0.1:1234. */
  baseUrl: string;
  predictions: PredictionState;
}

export interface FakeReplicate {
  /** The API base to give REPLICATE_API_URL, ending in `/v1`. */
  apiUrl: string;
  baseUrl: string;
  state: FakeReplicateState;
  /**
   * The environment for a reelbot process that uses this fake: its API, its token, and downloads
   * allowed from 127.0.0.1, where it serves the outputs.
   */
  env: Record<string, string>;
  /** Serves one more model, listed in the text-to-video collection (before the catalog first reads it). */
  addModel(model: ReplicateModel): void;
  /** Answers the next `times` matching requests with a fault. */
  inject(fault: Omit<InjectedFault, 'times'> & { times?: number }): void;
  close(): Promise<void>;
}

const catalogRoutes: FakeRoute<FakeReplicateState>[] = [
  {
    method: 'GET',
    path: '/v1/collections/:slug',
    handle: ({ params, state, json }) => {
      const collection = state.collections[params.slug!];
      if (!collection) return json(404, { detail: 'Not found.', status: 404 });
      json(200, collection);
    },
  },
  {
    method: 'GET',
    path: '/v1/collections',
    handle: ({ state, json }) =>
      json(200, {
        next: null,
        previous: null,
        results: Object.values(state.collections).map(({ models: _models, ...rest }) => rest),
      }),
  },
  {
    method: 'GET',
    path: '/v1/models/:owner/:name',
    handle: ({ params, state, json }) => {
      const model = state.models.get(`${params.owner}/${params.name}`);
      if (!model) return json(404, { detail: 'Not found.', status: 404 });
      json(200, model);
    },
  },
  {
    method: 'GET',
    path: '/v1/models/:owner/:name/versions/:id',
    handle: ({ params, state, json }) => {
      const version = state.models.get(`${params.owner}/${params.name}`)?.latest_version;
      if (!version || version.id !== params.id) return json(404, { detail: 'Not found.', status: 404 });
      json(200, version);
    },
  },
];

/**
 * A local stand-in for the Replicate HTTP API on 127.0.0.1: collections, models and versions from
 * the real schemas in test/fixtures/replicate, plus predictions, files and webhooks (predictions.ts).
 * The real `replicate` client talks to it through REPLICATE_API_URL.
 */
export async function startFakeReplicate(
  options: { token?: string; models?: ReplicateModel[] } = {},
): Promise<FakeReplicate> {
  const models = options.models ?? fixtureModels();
  const state: FakeReplicateState = {
    token: options.token ?? 'r8_fake_token',
    models: new Map(models.map((m) => [`${m.owner}/${m.name}`, m])),
    collections: fixtureCollections(models),
    faults: [],
    requests: [],
    baseUrl: '',
    predictions: createPredictionState(),
  };
  const routes = [...catalogRoutes, ...predictionRoutes];

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    state.requests.push({
      method,
      path: url.pathname,
      body: body.toString('utf8'),
      authorization: req.headers.authorization,
    });

    const fault = state.faults.find(
      (f) => f.times > 0 && url.pathname.startsWith(f.pathPrefix) && (!f.method || f.method === method),
    );
    if (fault) {
      fault.times--;
      if (fault.destroy) return req.socket.destroy();
      return sendJson(res, fault.status, fault.body ?? { detail: `injected ${fault.status}` }, fault.headers);
    }
    // Files and outputs are public like replicate.delivery; the API wants the token.
    if (url.pathname.startsWith('/v1/') && req.headers.authorization !== `Bearer ${state.token}`) {
      return sendJson(res, 401, { detail: 'Invalid token.', status: 401 });
    }
    for (const route of routes) {
      if (route.method !== method) continue;
      const params = matchPath(route.path, url.pathname);
      if (!params) continue;
      const context: FakeRequest<FakeReplicateState> = {
        req,
        res,
        params,
        query: url.searchParams,
        body,
        state,
        json: (status, payload, headers) => sendJson(res, status, payload, headers),
      };
      try {
        await route.handle(context);
      } catch (error) {
        if (!res.headersSent) sendJson(res, 500, { detail: String(error) });
      }
      return;
    }
    sendJson(res, 404, { detail: 'Not found.', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}`;
  wirePredictions(state);

  return {
    apiUrl: `${state.baseUrl}/v1`,
    baseUrl: state.baseUrl,
    state,
    env: {
      REPLICATE_API_URL: `${state.baseUrl}/v1`,
      REPLICATE_API_TOKEN: state.token,
      DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
    },
    addModel(model) {
      state.models.set(`${model.owner}/${model.name}`, model);
      state.collections['text-to-video']!.models.push(model);
    },
    inject(fault) {
      state.faults.push({ ...fault, times: fault.times ?? 1 });
    },
    async close() {
      state.predictions.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
