import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';
import {
  alice,
  createRequests,
  type FakeReplicate,
  finishPrediction,
  startFakeReplicate,
  startService,
  tempDataDir,
  until,
  waitForEvent,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
const model = 'minimax/video-01';

beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(() => fake.close());

/** A generation row as a crashed worker left it: intent recorded, prediction id not. */
async function seedStartingGeneration(
  dataDir: string,
  input: Record<string, unknown>,
  requestedAgoMs = 1000,
) {
  const db = openDatabase(dataDir);
  const store = createGenerationStore(db);
  const version = fake.state.models.get(model)!.latest_version!.id;
  const row = await store.insert({
    source: 'replicate',
    requester: alice,
    model,
    version,
    input,
    prompt: String(input.prompt),
  });
  await store.transition(row.id, ['queued'], {
    status: 'starting',
    predictionRequestedAt: Date.now() - requestedAgoMs,
  });
  db.close();
  return row.id;
}

describe('restart safety', () => {
  it('finishes a job after the service is stopped mid-way and a new one starts on the same data directory', async () => {
    fake.state.predictions.configure(model, { manual: true, steps: 3 });
    const dataDir = tempDataDir();
    const first = startService(fake, { dataDir });
    const started = await first.service.start({
      requester: alice,
      model,
      values: { prompt: 'across a restart' },
    });
    const running = await waitForEvent(first, (e) => e.generation.id === started.id && e.type === 'started');
    const predictionId = running.generation.predictionId!;
    fake.state.predictions.advance(predictionId);
    fake.state.predictions.advance(predictionId);
    await waitForEvent(first, (e) => e.generation.id === started.id && e.type === 'progress');
    await first.close();

    // The prediction ends while nobody is watching.
    finishPrediction(fake, predictionId);
    const createdBefore = createRequests(fake).length;

    const second = startService(fake, { dataDir });
    try {
      await second.service.resume();
      const done = await waitForFinal(second, started.id);
      expect(done.status).toBe('succeeded');
      expect(done.media?.path).toBe(`media/${started.id}.mp4`);
      expect(fake.state.predictions.downloadsOf(predictionId)).toBe(1);
      expect(createRequests(fake).length).toBe(createdBefore);
    } finally {
      await second.close();
    }
  });

  it('stops a download in flight at shutdown, releases its claim, and the next start downloads again', async () => {
    fake.state.predictions.configure(model, { steps: 1, tickMs: 1, output: 'slow', trickleMs: 50 });
    const dataDir = tempDataDir();
    const first = startService(fake, { dataDir });
    const started = await first.service.start({ requester: alice, model, values: { prompt: 'cut off' } });
    const downloading = await waitForEvent(
      first,
      (e) => e.generation.id === started.id && e.type === 'downloading',
    );
    const predictionId = downloading.generation.predictionId!;
    await until(() => fake.state.predictions.downloadsOf(predictionId) === 1);
    await first.close();
    const left = (await createGenerationStore(openDatabase(dataDir)).get(started.id))!;
    expect(left.status).toBe('downloading');
    // Serve the rest quickly: this test is about the hand-over, not the trickle.
    fake.state.predictions.predictions.get(predictionId)!.behaviour.output = 'video';

    const second = startService(fake, { dataDir });
    try {
      await second.service.resume();
      const done = await waitForFinal(second, started.id);
      expect(done.status).toBe('succeeded');
      expect(fake.state.predictions.downloadsOf(predictionId)).toBe(2);
      expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('adopts the prediction a crashed worker created but never recorded', async () => {
    fake.state.predictions.configure(model, { steps: 1, tickMs: 2 });
    const dataDir = tempDataDir();
    const input = { prompt: 'sent, then the process died', seed: 99 };
    const id = await seedStartingGeneration(dataDir, input);
    const sent = fake.state.predictions.create(model, input); // what the dead worker's request did
    const createdBefore = createRequests(fake).length;

    const sut = startService(fake, { dataDir });
    try {
      await sut.service.resume();
      const done = await waitForFinal(sut, id);
      expect(done.status).toBe('succeeded');
      expect(done.predictionId).toBe(sent.prediction.id);
      expect(createRequests(fake).length).toBe(createdBefore);
    } finally {
      await sut.close();
    }
  });

  it('adopts by the generation id in the webhook URL even when another prediction has the same input', async () => {
    fake.state.predictions.configure(model, { steps: 1, tickMs: 2 });
    const dataDir = tempDataDir();
    const input = { prompt: 'twins', seed: 5 };
    const id = await seedStartingGeneration(dataDir, input);
    fake.state.predictions.create(model, input); // someone else's, same input
    const ours = fake.state.predictions.create(model, input, {
      webhook: `https://reelbot.example/webhooks/replicate?generation=${id}`,
    });
    const sut = startService(fake, { dataDir });
    try {
      await sut.service.resume();
      const done = await waitForFinal(sut, id);
      expect(done.predictionId).toBe(ours.prediction.id);
    } finally {
      await sut.close();
    }
  });

  it('fails clearly, and sends nothing, when it cannot tell whether the request left', async () => {
    const dataDir = tempDataDir();
    const none = await seedStartingGeneration(dataDir, { prompt: 'never arrived', seed: 1 });
    const twin = { prompt: 'ambiguous', seed: 2 };
    const ambiguous = await seedStartingGeneration(dataDir, twin);
    fake.state.predictions.create(model, twin);
    fake.state.predictions.create(model, twin);
    const createdBefore = createRequests(fake).length;

    const sut = startService(fake, { dataDir });
    try {
      await sut.service.resume();
      const lost = await waitForFinal(sut, none);
      expect(lost).toMatchObject({ status: 'failed', errorCode: 'START_UNCONFIRMED' });
      expect(lost.error).toMatch(/rather than risk running it twice/);
      expect((await waitForFinal(sut, ambiguous)).errorCode).toBe('START_AMBIGUOUS');
      expect(createRequests(fake).length).toBe(createdBefore);
    } finally {
      await sut.close();
    }
  });

  it('takes over a download whose claim went stale', async () => {
    fake.state.predictions.configure(model, { steps: 1, tickMs: 1 });
    const dataDir = tempDataDir();
    const first = startService(fake, { dataDir });
    const input = { prompt: 'stale claim', seed: 3 };
    // A worker claimed the download an hour ago and died.
    const id = await seedStartingGeneration(dataDir, input);
    const sent = fake.state.predictions.create(model, input);
    finishPrediction(fake, sent.prediction.id);
    const hourAgo = createGenerationStore(first.db, () => Date.now() - 3600_000);
    await hourAgo.transition(id, ['starting'], { status: 'processing', predictionId: sent.prediction.id });
    await hourAgo.update(id, { outputUrl: sent.prediction.output as string });
    expect((await hourAgo.claimDownload(id, 'dead-worker', 60_000)).claimed).toBe(true);
    await first.close();

    const sut = startService(fake, { dataDir });
    try {
      await sut.service.resume();
      const done = await waitForFinal(sut, id);
      expect(done.status).toBe('succeeded');
      expect(fake.state.predictions.downloadsOf(sent.prediction.id)).toBe(1);
      expect((await sut.store.internals(id))?.downloadClaim).toBeUndefined();
    } finally {
      await sut.close();
    }
  });
});

describe('leftovers of a killed process', () => {
  it('deletes at start the .part files no live claim owns, and keeps those of a process still downloading', async () => {
    const dataDir = tempDataDir();
    const tmp = path.join(dataDir, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    // A process still downloading beside us: its claim beats.
    const db = openDatabase(dataDir);
    const store = createGenerationStore(db);
    const busy = await store.insert({
      source: 'replicate',
      requester: alice,
      model,
      input: {},
      status: 'processing',
    });
    expect((await store.claimDownload(busy.id, 'w_alive', 10_000)).claimed).toBe(true);
    db.close();
    const files = {
      dead: 'download-w_dead-0123456789abcdef.part',
      alive: 'download-w_alive-0123456789abcdef.part',
      unnamed: 'download-0123456789abcdef.part',
    };
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const name of Object.values(files)) {
      fs.writeFileSync(path.join(tmp, name), 'half a video');
      fs.utimesSync(path.join(tmp, name), hourAgo, hourAgo);
    }
    // Other work files are not downloads: left alone.
    fs.writeFileSync(path.join(tmp, 'g_x.poster.jpg'), 'poster');

    const sut = startService(fake, { dataDir });
    try {
      await sut.service.resume();
      expect(fs.readdirSync(tmp).sort()).toEqual([files.alive, 'g_x.poster.jpg']);
    } finally {
      await sut.close();
    }
  });
});

describe('shutdown', () => {
  it('refuses a reroll that was still looking up its model when the service closed, and records nothing', async () => {
    fake.state.predictions.configure(model, { steps: 1, tickMs: 1 });
    const sut = startService(fake, { dataDir: tempDataDir() });
    try {
      const first = await sut.service.start({ requester: alice, model, values: { prompt: 'once' } });
      await waitForFinal(sut, first.id);
      const rerolled = sut.service.reroll(first.id, alice);
      const closing = sut.service.close();
      await expect(rerolled).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
      await closing;
      // A row recorded now would be resumed, and made, on the next start after the user was told no.
      expect((await sut.store.list()).items.map((g) => g.id)).toEqual([first.id]);
    } finally {
      await sut.close();
    }
  });
});
