import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessEventBus } from '../../../src/core/generations/event-bus.js';
import type { Requester } from '../../../src/core/generations/types.js';
import { signedHeaders } from '../../fakes/replicate/webhooks.js';
import {
  alice,
  type FakeReplicate,
  finishPrediction,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  startWebhookReceiver,
  tempDataDir,
  waitForEvent,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let sut: ServiceUnderTest | undefined;
/** Where the receiver sends webhooks; by default the service under test. */
let webhookTarget: ServiceUnderTest | undefined;
const model = 'minimax/video-01';

beforeAll(async () => {
  fake = await startFakeReplicate();
  receiver = await startWebhookReceiver(() => (webhookTarget ?? sut)?.service);
});
afterAll(async () => {
  await sut?.close();
  await receiver.close();
  await fake.close();
});

describe('webhooks', () => {
  it('finishes a generation from webhooks alone, with the secret fetched from Replicate', async () => {
    // Real time and a first poll ten minutes away: only webhooks can move this generation.
    sut = startService(fake, {
      dataDir: tempDataDir(),
      publicUrl: receiver.url,
      realTime: true,
      timings: { pollInitialMs: 600_000 },
    });
    fake.state.predictions.configure(model, { steps: 3, tickMs: 2 });
    const started = await sut.service.start({ requester: alice, model, values: { prompt: 'by webhook' } });
    const done = await waitForFinal(sut, started.id);
    expect(done.status).toBe('succeeded');
    expect(fake.state.requests.some((r) => r.path === '/v1/webhooks/default/secret')).toBe(true);
    expect(
      fake.state.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/predictions/')),
    ).toEqual([]);

    const create = JSON.parse(fake.state.requests.find((r) => r.path === '/v1/predictions')!.body);
    expect(create.webhook).toBe(`${receiver.url}/webhooks/replicate?generation=${started.id}`);
    expect(create.webhook_events_filter).toEqual(['start', 'logs', 'completed']);
    const events = fake.state.predictions.deliveries
      .filter((d) => d.predictionId === done.predictionId)
      .map((d) => d.event);
    expect(events).toContain('logs');
    expect(events).not.toContain('output'); // filtered out, as Replicate does
    expect(events.at(-1)).toBe('completed');
    await sut.close();
    sut = undefined;
  });

  it('never downloads twice when webhooks and polling race', async () => {
    sut = startService(fake, {
      dataDir: tempDataDir(),
      publicUrl: receiver.url,
      env: { MAX_JOBS_PER_USER: '8' },
    });
    fake.state.predictions.configure(model, { steps: 2, tickMs: 1 });
    const users: Requester[] = [1, 2, 3, 4, 5, 6].map((n) => ({ platform: 'discord', userId: `racer${n}` }));
    const started = await Promise.all(
      users.map((requester) =>
        sut!.service.start({ requester, model, values: { prompt: requester.userId } }),
      ),
    );
    const done = await Promise.all(started.map((g) => waitForFinal(sut!, g.id)));
    for (const generation of done) {
      expect(generation.status).toBe('succeeded');
      expect(fake.state.predictions.downloadsOf(generation.predictionId!)).toBe(1);
    }
    // Both paths really ran: webhooks were accepted and predictions were polled.
    expect(receiver.answers.filter((s) => s === 200).length).toBeGreaterThan(done.length);
    expect(fake.state.requests.some((r) => r.method === 'GET' && r.path.startsWith('/v1/predictions/'))).toBe(
      true,
    );
    const succeeded = sut.events.filter((e) => e.type === 'succeeded').map((e) => e.generation.id);
    expect(new Set(succeeded).size).toBe(succeeded.length);
  });

  it('lets one of two workers on one data directory download, when one polls and the other gets webhooks', async () => {
    const dataDir = tempDataDir();
    const poller = startService(fake, { dataDir, publicUrl: receiver.url, env: { MAX_JOBS_PER_USER: '8' } });
    const listener = startService(fake, { dataDir, publicUrl: receiver.url });
    webhookTarget = listener;
    try {
      fake.state.predictions.configure(model, { steps: 1, tickMs: 1 });
      const users: Requester[] = [1, 2, 3, 4].map((n) => ({ platform: 'slack', userId: `pair${n}` }));
      const started = await Promise.all(
        users.map((requester) =>
          poller.service.start({ requester, model, values: { prompt: requester.userId } }),
        ),
      );
      const done = await Promise.all(started.map((g) => waitForFinal(poller, g.id)));
      for (const generation of done) {
        expect(generation.status).toBe('succeeded');
        expect(fake.state.predictions.downloadsOf(generation.predictionId!)).toBe(1);
      }
    } finally {
      webhookTarget = undefined;
      await poller.close();
      await listener.close();
    }
  });

  it('leaves the end of a job to the worker when webhooks reach a process that performs no jobs', async () => {
    const dataDir = tempDataDir();
    const worker = startService(fake, { dataDir, publicUrl: receiver.url, env: { MAX_JOBS_PER_USER: '8' } });
    // `reelbot start --role web`: takes webhooks, runs no jobs.
    const web = startService(fake, { dataDir, publicUrl: receiver.url, performsJobs: false });
    webhookTarget = web;
    try {
      fake.state.predictions.configure(model, { steps: 1, tickMs: 1 });
      const users: Requester[] = [1, 2, 3].map((n) => ({ platform: 'slack', userId: `web${n}` }));
      const started = await Promise.all(
        users.map((requester) =>
          worker.service.start({ requester, model, values: { prompt: requester.userId } }),
        ),
      );
      const done = await Promise.all(started.map((g) => waitForFinal(worker, g.id)));
      for (const generation of done) {
        expect(generation.status).toBe('succeeded');
        expect(fake.state.predictions.downloadsOf(generation.predictionId!)).toBe(1);
      }
      // The completed webhooks reached the web process, and the worker still did every download.
      expect(receiver.answers.filter((status) => status === 200).length).toBeGreaterThanOrEqual(done.length);
      expect(web.events.filter((e) => e.type === 'succeeded')).toEqual([]);
      expect(
        worker.events
          .filter((e) => e.type === 'succeeded')
          .map((e) => e.generation.id)
          .sort(),
      ).toEqual(started.map((g) => g.id).sort());
    } finally {
      webhookTarget = undefined;
      await worker.close();
      await web.close();
    }
  });

  it('hands a webhook’s end from a process that performs no jobs to the worker over the bus, at once', async () => {
    const dataDir = tempDataDir();
    // One bus for both, as Redis joins the processes of a deployment.
    const bus = createInProcessEventBus();
    // Real time and a first poll ten minutes away: only the webhook, through the bus, ends it.
    const worker = startService(fake, {
      dataDir,
      publicUrl: receiver.url,
      realTime: true,
      timings: { pollInitialMs: 600_000 },
      bus,
    });
    const web = startService(fake, { dataDir, publicUrl: receiver.url, performsJobs: false, bus });
    webhookTarget = web;
    try {
      fake.state.predictions.configure(model, { steps: 1, tickMs: 1 });
      const started = await worker.service.start({
        requester: { platform: 'slack', userId: 'bus1' },
        model,
        values: { prompt: 'through the bus' },
      });
      const done = await waitForFinal(worker, started.id);
      expect(done.status).toBe('succeeded');
      expect(fake.state.predictions.downloadsOf(done.predictionId!)).toBe(1);
      // Never polled: the completed webhook reached the web process, and its end the worker.
      expect(
        fake.state.requests.filter(
          (r) => r.method === 'GET' && r.path === `/v1/predictions/${done.predictionId}`,
        ),
      ).toEqual([]);
      const completed = fake.state.predictions.deliveries.filter(
        (d) => d.predictionId === done.predictionId && d.event === 'completed',
      );
      expect(completed).toHaveLength(1);
    } finally {
      webhookTarget = undefined;
      await worker.close();
      await web.close();
    }
  });

  it('refuses bad and stale signatures, and ignores a replayed delivery', async () => {
    const service = sut!.service;
    // A delivery this service accepted before (the first test used another data directory).
    const known = await Promise.all(
      fake.state.predictions.deliveries.map(
        async (d) => d.status === 200 && (await sut!.store.getByPrediction(d.predictionId)) !== undefined,
      ),
    );
    const delivery = fake.state.predictions.deliveries.findLast((_, i) => known[i])!;
    const request = (headers: Record<string, string>, body = delivery.body) => ({
      headers,
      rawBody: Buffer.from(body),
      url: '/webhooks/replicate',
    });

    const replay = await service.handleWebhook(request(delivery.headers));
    expect(replay).toEqual({ status: 200, body: { ok: true, replay: true } });

    const forged = { ...delivery.headers, 'webhook-signature': 'v1,bm90IGEgc2lnbmF0dXJl' };
    expect((await service.handleWebhook(request(forged))).status).toBe(401);

    const tampered = delivery.body.replace('"succeeded"', '"failed"');
    expect(
      (await service.handleWebhook(request({ ...delivery.headers, 'webhook-id': 'msg_new' }, tampered)))
        .status,
    ).toBe(401);

    const stale = signedHeaders(fake.state.predictions.webhookSecret, delivery.body, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(await service.handleWebhook(request(stale))).toEqual({ status: 401, body: { error: 'stale' } });

    const fresh = signedHeaders(fake.state.predictions.webhookSecret, delivery.body);
    expect((await service.handleWebhook(request(fresh))).status).toBe(200);
  });

  it('applies a delivery that failed the first time when Replicate sends it again with the same id', async () => {
    const dataDir = tempDataDir();
    const secret = `whsec_${Buffer.from('a retried delivery').toString('base64')}`;
    // Real time and no poll for ten minutes: only the webhook can finish this generation.
    const one = startService(fake, {
      dataDir,
      webhookSecret: secret,
      realTime: true,
      timings: { pollInitialMs: 600_000 },
    });
    try {
      fake.state.predictions.configure(model, { manual: true, steps: 1 });
      const started = await one.service.start({ requester: alice, model, values: { prompt: 'retried' } });
      const running = await waitForEvent(one, (e) => e.generation.id === started.id && e.type === 'started');
      const predictionId = running.generation.predictionId!;
      finishPrediction(fake, predictionId);
      const body = JSON.stringify(fake.state.predictions.predictions.get(predictionId)!.prediction);
      const delivery = {
        headers: signedHeaders(secret, body, { id: 'msg_retried_once' }),
        rawBody: Buffer.from(body),
        url: `/webhooks/replicate?generation=${started.id}`,
      };

      // The database refuses the update once, as a full disk would: the web route answers 500.
      const other = new BetterSqlite3(path.join(dataDir, 'reelbot.sqlite'));
      other.exec(`CREATE TRIGGER refuse_output BEFORE UPDATE OF output_url ON generations
        WHEN NEW.output_url IS NOT NULL BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
      await expect(one.service.handleWebhook(delivery)).rejects.toThrow('database or disk is full');
      other.exec('DROP TRIGGER refuse_output');
      other.close();
      expect((await one.store.get(started.id))?.status).toBe('processing');

      // Replicate's retry carries the same webhook-id: it is applied, not taken for a replay.
      expect(await one.service.handleWebhook(delivery)).toEqual({ status: 200, body: { ok: true } });
      const done = await waitForFinal(one, started.id);
      expect(done.status).toBe('succeeded');
      expect(fake.state.predictions.downloadsOf(predictionId)).toBe(1);
      // Once applied, the same id again is a replay.
      expect(await one.service.handleWebhook(delivery)).toEqual({
        status: 200,
        body: { ok: true, replay: true },
      });
    } finally {
      await one.close();
    }
  });
});
