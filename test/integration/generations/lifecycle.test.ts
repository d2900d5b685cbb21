import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../src/core/media/ffmpeg.js';
import {
  alice,
  type FakeReplicate,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  tempDataDir,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
let sut: ServiceUnderTest;

beforeAll(async () => {
  fake = await startFakeReplicate();
  sut = startService(fake, { dataDir: tempDataDir() });
});
afterAll(async () => {
  await sut.close();
  await fake.close();
});

describe('a generation against the fake Replicate', () => {
  it('runs start -> processing with growing logs -> succeeded, and keeps a real MP4 with a poster', async () => {
    fake.state.predictions.configure('minimax/video-01', { steps: 4, tickMs: 3 });
    const generation = await sut.service.start({
      requester: alice,
      model: 'minimax/video-01',
      values: { prompt: 'a red fox running through snow' },
    });
    expect(generation.status).toMatch(/queued|starting/);
    expect(generation.prompt).toBe('a red fox running through snow');

    const done = await waitForFinal(sut, generation.id);
    expect(done.status).toBe('succeeded');
    expect(done.predictionId).toBeTruthy();
    expect(done.media?.path).toBe(`media/${generation.id}.mp4`);
    expect(done.media?.mime).toBe('video/mp4');
    expect(done.media?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(done.media?.width).toBe(320);
    expect(done.media?.durationSeconds).toBeGreaterThan(1);

    const file = path.join(sut.config.dataDir, done.media!.path);
    expect(fs.statSync(file).size).toBe(done.media!.bytes);
    // Hashed from the chunks as they arrived, it is the hash of the file kept.
    expect(done.media?.sha256).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    expect((await probe(file)).codec).toBe('h264');
    expect(fs.existsSync(path.join(sut.config.dataDir, done.media!.posterPath!))).toBe(true);
    // The expiring Replicate URL is gone once our copy exists.
    expect((await sut.store.internals(generation.id))?.outputUrl).toBeUndefined();

    const mine = sut.events.filter((e) => e.generation.id === generation.id).map((e) => e.type);
    expect(mine[0]).toBe('started');
    expect(mine).toContain('progress');
    expect(mine.slice(-2)).toEqual(['downloading', 'succeeded']);
    const percents = sut.events
      .filter((e) => e.generation.id === generation.id && e.type === 'progress')
      .map((e) => (e.type === 'progress' ? e.percent : undefined))
      .filter((p) => p !== undefined);
    expect(percents.length).toBeGreaterThan(0);
    expect([...percents].sort((a, b) => a! - b!)).toEqual(percents);
    expect(done.progress).toBe(100);
    // Version-based: the model has a version in its listing.
    const created = fake.state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/predictions');
    expect(created).toHaveLength(1);
    expect(JSON.parse(created[0]!.body).version).toBe(done.version);
  });
});
