import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../../src/core/config.js';
import type { LifecycleTimings } from '../../../src/core/generations/context.js';
import type { EventBus } from '../../../src/core/generations/event-bus.js';
import type { GenerationStore } from '../../../src/core/generations/generation-store.js';
import type { Moderator } from '../../../src/core/generations/moderation.js';
import {
  createGenerationService,
  type ReelbotGenerationService,
  type Simulator,
} from '../../../src/core/generations/service.js';
import type { Generation, GenerationEvent, Requester } from '../../../src/core/generations/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createCatalog } from '../../../src/core/replicate/catalog.js';
import { createReplicateApi } from '../../../src/core/replicate/client.js';
import {
  createCatalogCache,
  createGenerationStore,
  createRefusalLog,
  type Database,
  openDatabase,
} from '../../../src/core/store/index.js';
import { type FakeReplicate, startFakeReplicate } from '../../fakes/replicate/server.js';

export const alice: Requester = {
  platform: 'discord',
  workspaceId: 'guild1',
  channelId: 'chan1',
  userId: 'alice',
};
export const bob: Requester = { platform: 'slack', workspaceId: 'T1', channelId: 'C1', userId: 'bob' };

/** Every wait the service asked for; time itself is compressed to at most 5 ms a wait. */
export interface SleepLog {
  waits: number[];
}

/** A running service on a data directory, with the fake Replicate behind it. */
export interface ServiceUnderTest {
  service: ReelbotGenerationService;
  store: GenerationStore;
  db: Database;
  config: Config;
  events: GenerationEvent[];
  sleeps: SleepLog;
  close(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-gen-'));
}

/** Builds a service the way `reelbot start` does, but with compressed waits and the fake's URLs. */
export function startService(
  fake: FakeReplicate,
  options: {
    dataDir: string;
    publicUrl?: string;
    env?: Record<string, string>;
    timings?: Partial<LifecycleTimings>;
    webhookSecret?: string;
    /** Really wait (default: every wait is recorded and shortened to at most 5 ms). */
    realTime?: boolean;
    simulator?: Simulator;
    /** False for a process that only takes requests and webhooks (`--role web` or `bot`). */
    performsJobs?: boolean;
    /** OpenAI moderation (e.g. the real adapter against the fake OpenAI); none by default. */
    moderator?: Moderator;
    /** A bus shared with another service under test, as processes share Redis; its own by default. */
    bus?: EventBus;
  },
): ServiceUnderTest {
  const config = loadConfig({
    DATA_DIR: options.dataDir,
    REPLICATE_API_TOKEN: fake.state.token,
    REPLICATE_API_URL: fake.apiUrl,
    DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
    ...(options.publicUrl ? { PUBLIC_URL: options.publicUrl } : {}),
    ...(options.webhookSecret ? { REPLICATE_WEBHOOK_SECRET: options.webhookSecret } : {}),
    ...options.env,
  });
  const sleeps: SleepLog = { waits: [] };
  const sleep = (ms: number) => {
    sleeps.waits.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, options.realTime ? ms : Math.min(ms, 5)));
  };
  const logger = silentLogger();
  const db = openDatabase(config.dataDir);
  const store = createGenerationStore(db);
  const api = createReplicateApi({
    token: config.replicate.token,
    apiUrl: config.replicate.apiUrl,
    sleep,
    retry: { baseDelayMs: 10 },
    logger,
  });
  const catalog = createCatalog({ api, cache: createCatalogCache(db), ttlMs: 60_000, logger });
  const service = createGenerationService({
    config,
    store,
    api,
    catalog,
    logger,
    sleep,
    timings: options.timings,
    simulator: options.simulator,
    performsJobs: options.performsJobs,
    refusals: createRefusalLog(db),
    moderator: options.moderator,
    bus: options.bus,
  });
  const events: GenerationEvent[] = [];
  service.subscribe((event) => events.push(event));
  return {
    service,
    store,
    db,
    config,
    events,
    sleeps,
    async close() {
      await service.close();
      db.close();
    },
  };
}

/** Resolves with the first event (already seen or coming) that matches; fails after `timeoutMs`. */
export function waitForEvent(
  sut: ServiceUnderTest,
  match: (event: GenerationEvent) => boolean,
  timeoutMs = 20_000,
): Promise<GenerationEvent> {
  const seen = sut.events.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(`no matching event within ${timeoutMs} ms; saw ${sut.events.map((e) => e.type).join(',')}`),
      );
    }, timeoutMs);
    const stop = sut.service.subscribe((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

/** Waits until a generation ends, and returns it. */
export async function waitForFinal(
  sut: ServiceUnderTest,
  generationId: string,
  timeoutMs?: number,
): Promise<Generation> {
  await waitForEvent(
    sut,
    (e) => e.generation.id === generationId && ['succeeded', 'failed', 'canceled'].includes(e.type),
    timeoutMs,
  );
  return (await sut.store.get(generationId))!;
}

/** A local server standing in for the web server's webhook route. */
export async function startWebhookReceiver(target: () => ReelbotGenerationService | undefined) {
  const answers: number[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const service = target();
    if (!service) {
      res.writeHead(503).end();
      answers.push(503);
      return;
    }
    const answer = await service.handleWebhook({
      headers: req.headers as Record<string, string>,
      rawBody: Buffer.concat(chunks),
      url: req.url,
    });
    answers.push(answer.status);
    res
      .writeHead(answer.status, { 'content-type': 'application/json' })
      .end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { type FakeReplicate, startFakeReplicate };

/** Moves a manual prediction of the fake to its end. */
export function finishPrediction(fake: FakeReplicate, predictionId: string): void {
  const entry = fake.state.predictions.predictions.get(predictionId)!;
  while (!['succeeded', 'failed', 'canceled', 'aborted'].includes(entry.prediction.status))
    fake.state.predictions.advance(predictionId);
}

/** Create requests the fake received (version- or model-based). */
export function createRequests(fake: FakeReplicate) {
  return fake.state.requests.filter(
    (r) =>
      r.method === 'POST' && (r.path === '/v1/predictions' || /^\/v1\/models\/.+\/predictions$/.test(r.path)),
  );
}

/** Files under DATA_DIR/media. */
export function mediaFiles(sut: ServiceUnderTest): string[] {
  const dir = path.join(sut.config.dataDir, 'media');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** Resolves once `condition` holds (checked every few ms); fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
