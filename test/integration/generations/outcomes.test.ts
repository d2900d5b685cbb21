import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentError, ValidationError } from '../../../src/core/errors.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import {
  alice,
  createRequests,
  type FakeReplicate,
  mediaFiles,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  tempDataDir,
  waitForEvent,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
let sut: ServiceUnderTest;
let chat: http.Server;
let chatUrl: string;

beforeAll(async () => {
  fake = await startFakeReplicate();
  sut = startService(fake, { dataDir: tempDataDir() });
  const png = fs.readFileSync((await fakeMedia()).image);
  chat = http.createServer((req, res) => {
    if (req.url === '/cat.png') return res.writeHead(200).end(png);
    res.writeHead(200).end('<html>not an image</html>');
  });
  await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sut.close();
  await fake.close();
  await new Promise<void>((resolve) => chat.close(() => resolve()));
});

const video01 = 'minimax/video-01';

describe('generation outcomes', () => {
  it('keeps the first video of an array output and records the others', async () => {
    fake.state.predictions.configure('anotherjesse/zeroscope-v2-xl', { output: 'array' });
    const started = await sut.service.start({
      requester: alice,
      model: 'anotherjesse/zeroscope-v2-xl',
      values: { prompt: 'waves at dusk' },
    });
    const done = await waitForFinal(sut, started.id);
    expect(done.status).toBe('succeeded');
    expect(done.media?.path).toBe(`media/${started.id}.mp4`);
    expect(done.extraOutputs).toHaveLength(2);
    expect(done.extraOutputs?.[0]).toMatch(/-2\.mp4$/);
    expect(done.extraOutputs?.[1]).toMatch(/-still\.png$/);
    // A seed input left empty gets a random seed, so the video can be reproduced and rerolled.
    expect(done.seed).toEqual(expect.any(Number));
    expect(done.input.seed).toBe(done.seed);
  });

  it('reports a failed prediction with a reason people understand and Replicate’s own error', async () => {
    fake.state.predictions.configure(video01, { failWith: 'torch.OutOfMemoryError: CUDA out of memory.' });
    const started = await sut.service.start({ requester: alice, model: video01, values: { prompt: 'x' } });
    const event = await waitForEvent(sut, (e) => e.generation.id === started.id && e.type === 'failed');
    expect(event.type === 'failed' && event.reason).toMatch(/ran out of memory/);
    expect(event.type === 'failed' && event.upstreamError).toBe(
      'torch.OutOfMemoryError: CUDA out of memory.',
    );
    const done = (await sut.store.get(started.id))!;
    expect(done).toMatchObject({ status: 'failed', errorCode: 'PREDICTION_FAILED' });
    expect(done.media).toBeUndefined();
  });

  it('treats aborted as final', async () => {
    fake.state.predictions.configure(video01, { abort: true });
    const started = await sut.service.start({ requester: alice, model: video01, values: { prompt: 'x' } });
    const done = await waitForFinal(sut, started.id);
    expect(done).toMatchObject({ status: 'failed', errorCode: 'PREDICTION_ABORTED' });
  });

  it('falls back to a model-based prediction when the version-based one is refused', async () => {
    fake.state.predictions.configure(video01, { refuseVersion: true });
    const before = createRequests(fake).length;
    const started = await sut.service.start({
      requester: alice,
      model: video01,
      values: { prompt: 'fallback' },
    });
    expect((await waitForFinal(sut, started.id)).status).toBe('succeeded');
    const sent = createRequests(fake).slice(before);
    expect(sent.map((r) => r.path)).toEqual(['/v1/predictions', '/v1/models/minimax/video-01/predictions']);
    expect(fake.state.predictions.predictions.size).toBeGreaterThan(0);
  });

  it('rerolls with the same input and a new seed', async () => {
    fake.state.predictions.configure('tencent/hunyuan-video', {});
    const first = await sut.service.start({
      requester: alice,
      model: 'tencent/hunyuan-video',
      values: { prompt: 'a cat surfing', seed: '7' },
    });
    await waitForFinal(sut, first.id);
    const again = await sut.service.reroll(first.id, alice);
    const done = await waitForFinal(sut, again.id);
    expect(done.status).toBe('succeeded');
    expect(done.prompt).toBe('a cat surfing');
    expect(first.seed).toBe(7);
    expect(done.seed).not.toBe(7);
    expect({ ...done.input, seed: 0 }).toEqual({ ...first.input, seed: 0 });
  });

  it('uploads an attached image through the Files API and uses its URL as the image input', async () => {
    fake.state.predictions.configure('minimax/video-01-live', {});
    const started = await sut.service.start({
      requester: alice,
      model: 'minimax/video-01-live',
      values: { prompt: 'make it move' },
      attachments: [{ url: `${chatUrl}/cat.png`, filename: 'cat.png' }],
    });
    expect(started.input.first_frame_image).toMatch(new RegExp(`^${fake.baseUrl}/v1/files/[0-9a-f]+$`));
    expect((await waitForFinal(sut, started.id)).status).toBe('succeeded');
  });

  it('starts nothing for a bad attachment or a bad value', async () => {
    const before = { created: createRequests(fake).length, rows: (await sut.store.list()).items.length };
    const bad = await sut.service
      .start({
        requester: alice,
        model: 'minimax/video-01-live',
        values: { prompt: 'x' },
        attachments: [{ url: `${chatUrl}/fake.png`, filename: 'fake.png' }],
      })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AttachmentError);
    const missing = await sut.service
      .start({ requester: alice, model: 'minimax/video-01-live', values: {} })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as ValidationError).problems.map((p) => p.field)).toContain('prompt');
    expect(createRequests(fake).length).toBe(before.created);
    expect((await sut.store.list()).items.length).toBe(before.rows);
    expect(mediaFiles(sut).every((f) => !f.includes('fake'))).toBe(true);
  });
});
