import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { ReplicatePrediction } from '../../../src/core/replicate/types.js';
import type { FakeRoute } from './http.js';
import { fakeMedia, hugeMp4Stream } from './media.js';
import type { FakeReplicateState } from './server.js';
import { deliver, type WebhookDelivery, type WebhookEvent } from './webhooks.js';

/** How the fake serves an output file. */
export type FakeOutputMode =
  | 'video'
  /** `[video, second video, png]`: keep the first, record the rest. */
  | 'array'
  | 'image'
  /** A valid MP4 of `hugeBytes`, streamed. */
  | 'huge'
  /** The video in 1 KB chunks, `trickleMs` apart. */
  | 'slow'
  /** Announces more bytes than it sends, then closes the socket. */
  | 'truncated'
  /** An HTML page behind a `.mp4` URL. */
  | 'wrong-type'
  /** A redirect to a host outside the allow-list. */
  | 'forbidden-redirect';

/** Per-model behaviour of the fake's predictions. */
export interface FakeModelBehaviour {
  /** Progress steps (tqdm lines) before the end. Default 4. */
  steps?: number;
  /** Real time between lifecycle steps, in ms. Default 5. */
  tickMs?: number;
  /** Steps move only through `advance(id)`. */
  manual?: boolean;
  /** Prints no logs at all: no loading line, no progress bars. */
  quiet?: boolean;
  /** Replicate's `metrics.predict_time` of a success, in seconds (default half a second per step). */
  predictTime?: number;
  /** Ends as `failed` with this error. */
  failWith?: string;
  /** Ends as `aborted`. */
  abort?: boolean;
  output?: FakeOutputMode;
  hugeBytes?: number;
  trickleMs?: number;
  /** The first N output requests are cut short (then the file is served whole). */
  truncateFirst?: number;
  /** Version-based creation answers 422, as Replicate does for official models. */
  refuseVersion?: boolean;
  /** The create request is recorded but the connection drops before the answer. */
  dropCreateResponse?: boolean;
}

/** A prediction as the fake keeps it. */
export interface FakePrediction {
  prediction: ReplicatePrediction & { webhook?: string; webhook_events_filter?: WebhookEvent[] };
  behaviour: FakeModelBehaviour;
  step: number;
  timer?: NodeJS.Timeout;
  /** Output GETs served, per file name. */
  downloads: number;
  /** Output GETs whose whole body went out (a download cut off midway is not counted). */
  completeDownloads: number;
}

/** One upload to the Files API, as the API reads the multipart body. */
export interface FakeFile {
  id: string;
  /** The `filename` field, else the filename of the `content` part (what Replicate shows). */
  name: string;
  /** The `type` field, else the Content-Type of the `content` part. */
  contentType: string;
  bytes: Buffer;
  /** The multipart field names in the order they came, e.g. `['content', 'metadata']`. */
  fields: string[];
  /** The `metadata` field, parsed as JSON. */
  metadata: Record<string, unknown>;
}

/** Predictions, files and webhooks of the fake. */
export interface PredictionState {
  behaviours: Map<string, FakeModelBehaviour>;
  defaultBehaviour: FakeModelBehaviour;
  predictions: Map<string, FakePrediction>;
  files: Map<string, FakeFile>;
  webhookSecret: string;
  deliveries: WebhookDelivery[];
  /** Sets how predictions of `owner/name` behave. */
  configure(model: string, behaviour: FakeModelBehaviour): void;
  /** Creates a prediction directly, as if another process had sent the request. */
  create(
    model: string,
    input: Record<string, unknown>,
    options?: { version?: string; webhook?: string },
  ): FakePrediction;
  /** Moves a manual prediction one step on. */
  advance(id: string): void;
  /** Sends the webhook of `event` for a prediction, when its filter wants it. */
  notify(entry: FakePrediction, event: WebhookEvent): void;
  /** Output GET requests served for a prediction (all its files). */
  downloadsOf(id: string): number;
  stop(): void;
}

const finalStatuses = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

export function createPredictionState(): PredictionState {
  const state: PredictionState = {
    behaviours: new Map(),
    defaultBehaviour: {},
    predictions: new Map(),
    files: new Map(),
    webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
    deliveries: [],
    configure(model, behaviour) {
      state.behaviours.set(model, behaviour);
    },
    create: () => {
      throw new Error('the fake server is not running');
    },
    advance: () => {
      throw new Error('the fake server is not running');
    },
    notify: () => {},
    downloadsOf: (id) => state.predictions.get(id)?.downloads ?? 0,
    stop() {
      for (const entry of state.predictions.values()) clearTimeout(entry.timer);
    },
  };
  return state;
}

function tqdmLine(done: number, total: number): string {
  const percent = Math.round((done / total) * 100);
  const filled = Math.round((done / total) * 10);
  return `${String(percent).padStart(3)}%|${'█'.repeat(filled)}${' '.repeat(10 - filled)}| ${done}/${total} [00:0${done}<00:0${total - done}, 1.00it/s]`;
}

/** Wires the lifecycle into the server state (needs its base URL for output links). */
function lifecycle(server: FakeReplicateState) {
  const p = server.predictions;
  const chains = new Map<string, Promise<unknown>>();

  function notify(entry: FakePrediction, event: WebhookEvent) {
    const { webhook, webhook_events_filter: filter } = entry.prediction;
    if (!webhook || (filter && !filter.includes(event))) return;
    const body = JSON.stringify(entry.prediction);
    const id = entry.prediction.id;
    // One prediction's webhooks go out in order, as Replicate sends them.
    const chain = (chains.get(id) ?? Promise.resolve()).then(() =>
      deliver(p.webhookSecret, { predictionId: id, event, url: webhook, body }, p.deliveries),
    );
    chains.set(id, chain);
  }

  function outputsOf(entry: FakePrediction): unknown {
    const base = `${server.baseUrl}/files-out/${entry.prediction.id}`;
    switch (entry.behaviour.output) {
      case 'array':
        return [`${base}.mp4`, `${base}-2.mp4`, `${base}-still.png`];
      case 'image':
        return `${base}.png`;
      default:
        return `${base}.mp4`;
    }
  }

  function step(entry: FakePrediction) {
    const pred = entry.prediction;
    if (finalStatuses.has(pred.status)) return;
    const steps = entry.behaviour.steps ?? 4;
    entry.step++;
    const now = new Date().toISOString();
    if (entry.step === 1) {
      pred.status = 'processing';
      pred.started_at = now;
      if (!entry.behaviour.quiet) {
        pred.logs = 'Loading pipeline...\n';
        notify(entry, 'logs');
      }
    } else if (entry.step <= steps + 1) {
      if (!entry.behaviour.quiet) {
        pred.logs += `${tqdmLine(entry.step - 1, steps)}\n`;
        notify(entry, 'logs');
      }
    } else {
      pred.completed_at = now;
      pred.metrics = { predict_time: entry.behaviour.predictTime ?? steps * 0.5 };
      if (entry.behaviour.failWith) {
        pred.status = 'failed';
        pred.error = entry.behaviour.failWith;
        pred.logs += `Traceback (most recent call last):\n${entry.behaviour.failWith}\n`;
      } else if (entry.behaviour.abort) {
        pred.status = 'aborted';
      } else {
        pred.status = 'succeeded';
        pred.output = outputsOf(entry);
        notify(entry, 'output');
      }
      notify(entry, 'completed');
      return;
    }
    schedule(entry);
  }

  function schedule(entry: FakePrediction) {
    if (entry.behaviour.manual) return;
    entry.timer = setTimeout(() => step(entry), entry.behaviour.tickMs ?? 5);
  }

  p.notify = notify;
  p.advance = (id) => {
    const entry = p.predictions.get(id);
    if (!entry) throw new Error(`no prediction ${id}`);
    step(entry);
  };

  p.create = (model, input, options = {}) => {
    const id = randomBytes(10).toString('hex').slice(0, 20);
    const behaviour = p.behaviours.get(model) ?? p.defaultBehaviour;
    const entry: FakePrediction = {
      behaviour,
      step: 0,
      downloads: 0,
      completeDownloads: 0,
      prediction: {
        id,
        model,
        version: options.version ?? server.models.get(model)?.latest_version?.id,
        input,
        logs: '',
        output: null,
        error: null,
        status: 'starting',
        data_removed: false,
        created_at: new Date().toISOString(),
        started_at: null,
        completed_at: null,
        urls: {
          get: `${server.baseUrl}/v1/predictions/${id}`,
          cancel: `${server.baseUrl}/v1/predictions/${id}/cancel`,
          web: `https://replicate.com/p/${id}`,
        },
        webhook: options.webhook,
      },
    };
    p.predictions.set(id, entry);
    notify(entry, 'start');
    schedule(entry);
    return entry;
  };
}

type CreateBody = {
  version?: string;
  input?: Record<string, unknown>;
  webhook?: string;
  webhook_events_filter?: WebhookEvent[];
};

function createFrom(state: FakeReplicateState, model: string, body: CreateBody, version?: string) {
  const entry = state.predictions.create(model, body.input ?? {}, { version, webhook: body.webhook });
  entry.prediction.webhook_events_filter = body.webhook_events_filter;
  return entry;
}

function answerCreate(ctx: Parameters<FakeRoute<FakeReplicateState>['handle']>[0], entry: FakePrediction) {
  if (entry.behaviour.dropCreateResponse) return ctx.req.socket.destroy();
  ctx.json(201, entry.prediction);
}

async function serveOutput(ctx: Parameters<FakeRoute<FakeReplicateState>['handle']>[0]) {
  const { res, params, state } = ctx;
  const match = /^([a-z0-9]+)(-2|-still)?\.(mp4|png)$/.exec(params.name ?? '');
  const entry = match ? state.predictions.predictions.get(match[1]!) : undefined;
  if (!match || !entry || entry.prediction.status !== 'succeeded')
    return ctx.json(404, { detail: 'Not found.' });
  entry.downloads++;
  res.once('finish', () => {
    if (!res.destroyed) entry.completeDownloads++;
  });
  const media = await fakeMedia();
  const mode = entry.behaviour.output ?? 'video';
  if (match[3] === 'png') {
    const bytes = fs.readFileSync(media.image);
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
    return res.end(bytes);
  }
  const video = fs.readFileSync(match[2] === '-2' ? media.video2 : media.video);
  if (entry.downloads <= (entry.behaviour.truncateFirst ?? 0) || mode === 'truncated') {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': video.length + 1000 });
    res.write(video.subarray(0, Math.floor(video.length / 2)));
    setTimeout(() => res.socket?.destroy(), 5);
    return;
  }
  switch (mode) {
    case 'wrong-type': {
      const page = Buffer.from(
        '<!doctype html><html><body><h1>Service unavailable</h1></body></html>\n'.repeat(80),
      );
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': page.length });
      return res.end(page);
    }
    case 'forbidden-redirect':
      res.writeHead(302, { location: 'https://downloads.evil.example/video.mp4', 'content-length': 0 });
      return res.end();
    case 'huge': {
      const total = entry.behaviour.hugeBytes ?? 300 * 1024 * 1024;
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': total });
      hugeMp4Stream(video, total).pipe(res);
      return;
    }
    case 'slow': {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': video.length });
      let offset = 0;
      const trickle = () => {
        // A reader that went away (a killed process) gets no end: its download stays incomplete.
        if (res.destroyed) return;
        if (offset >= video.length) return res.end();
        res.write(video.subarray(offset, offset + 1024));
        offset += 1024;
        setTimeout(trickle, entry.behaviour.trickleMs ?? 1);
      };
      trickle();
      return;
    }
    default:
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': video.length });
      res.end(video);
  }
}

export const predictionRoutes: FakeRoute<FakeReplicateState>[] = [
  {
    method: 'POST',
    path: '/v1/predictions',
    handle: (ctx) => {
      const body = JSON.parse(ctx.body.toString('utf8') || '{}') as CreateBody;
      const model = [...ctx.state.models.values()].find((m) => m.latest_version?.id === body.version);
      const ref = model ? `${model.owner}/${model.name}` : undefined;
      const behaviour = ref
        ? (ctx.state.predictions.behaviours.get(ref) ?? ctx.state.predictions.defaultBehaviour)
        : undefined;
      if (!ref || behaviour?.refuseVersion)
        return ctx.json(422, {
          title: 'Invalid version',
          detail: 'Invalid version or not permitted',
          status: 422,
        });
      answerCreate(ctx, createFrom(ctx.state, ref, body, body.version));
    },
  },
  {
    method: 'POST',
    path: '/v1/models/:owner/:name/predictions',
    handle: (ctx) => {
      const ref = `${ctx.params.owner}/${ctx.params.name}`;
      if (!ctx.state.models.has(ref)) return ctx.json(404, { detail: 'Not found.', status: 404 });
      const body = JSON.parse(ctx.body.toString('utf8') || '{}') as CreateBody;
      answerCreate(ctx, createFrom(ctx.state, ref, body));
    },
  },
  {
    method: 'GET',
    path: '/v1/predictions',
    handle: ({ state, query, json }) => {
      const all = [...state.predictions.predictions.values()]
        .map((e) => e.prediction)
        .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));
      const pageSize = 100;
      const offset = Number(query.get('cursor') ?? 0);
      const next =
        offset + pageSize < all.length ? `${state.baseUrl}/v1/predictions?cursor=${offset + pageSize}` : null;
      json(200, { previous: null, next, results: all.slice(offset, offset + pageSize) });
    },
  },
  {
    method: 'GET',
    path: '/v1/predictions/:id',
    handle: ({ state, params, json }) => {
      const entry = state.predictions.predictions.get(params.id!);
      if (!entry) return json(404, { detail: 'Not found.', status: 404 });
      json(200, entry.prediction);
    },
  },
  {
    method: 'POST',
    path: '/v1/predictions/:id/cancel',
    handle: ({ state, params, json }) => {
      const entry = state.predictions.predictions.get(params.id!);
      if (!entry) return json(404, { detail: 'Not found.', status: 404 });
      if (!finalStatuses.has(entry.prediction.status)) {
        clearTimeout(entry.timer);
        entry.prediction.status = 'canceled';
        entry.prediction.completed_at = new Date().toISOString();
        state.predictions.notify(entry, 'completed');
      }
      json(200, entry.prediction);
    },
  },
  {
    method: 'POST',
    path: '/v1/files',
    handle: async ({ req, body, state, json }) => {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': String(req.headers['content-type']) },
      }).formData();
      const content = form.get('content');
      if (!(content instanceof File)) return json(400, { detail: 'content is required' });
      const text = async (field: string) => {
        const value = form.get(field);
        return value instanceof Blob ? value.text() : (value ?? undefined);
      };
      const filename = await text('filename');
      const type = await text('type');
      let metadata: Record<string, unknown> = {};
      try {
        metadata = JSON.parse((await text('metadata')) ?? '{}') as Record<string, unknown>;
      } catch {
        return json(400, { detail: 'metadata is not JSON' });
      }
      const fields: string[] = [];
      form.forEach((_value, field) => {
        fields.push(field);
      });
      const id = randomBytes(8).toString('hex');
      const file: FakeFile = {
        id,
        // Replicate takes the name and type from their own fields when sent, else from the part.
        name: filename || content.name,
        contentType: type || content.type || 'application/octet-stream',
        bytes: Buffer.from(await content.arrayBuffer()),
        fields,
        metadata,
      };
      state.predictions.files.set(id, file);
      json(201, fileJson(state, file));
    },
  },
  {
    method: 'GET',
    path: '/v1/files/:id',
    handle: ({ state, params, json }) => {
      const file = state.predictions.files.get(params.id!);
      if (!file) return json(404, { detail: 'Not found.', status: 404 });
      json(200, fileJson(state, file));
    },
  },
  {
    method: 'GET',
    path: '/v1/webhooks/default/secret',
    handle: ({ state, json }) => json(200, { key: state.predictions.webhookSecret }),
  },
  { method: 'GET', path: '/files-out/:name', handle: serveOutput },
];

function fileJson(state: FakeReplicateState, file: FakeFile) {
  return {
    id: file.id,
    name: file.name,
    content_type: file.contentType,
    size: file.bytes.length,
    etag: file.id,
    checksums: { sha256: createHash('sha256').update(file.bytes).digest('hex') },
    metadata: file.metadata,
    created_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + 24 * 3600_000).toISOString(),
    urls: { get: `${state.baseUrl}/v1/files/${file.id}` },
  };
}

/** Connects the prediction lifecycle to a running server (it needs the base URL for output links). */
export function wirePredictions(state: FakeReplicateState): void {
  lifecycle(state);
}
