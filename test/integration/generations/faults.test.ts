import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const model = 'minimax/video-01';

beforeAll(async () => {
  fake = await startFakeReplicate();
  sut = startService(fake, { dataDir: tempDataDir(), env: { DOWNLOAD_MAX_BYTES: String(2 * 1024 * 1024) } });
});
afterAll(async () => {
  await sut.close();
  await fake.close();
});

async function run(prompt: string) {
  const started = await sut.service.start({ requester: alice, model, values: { prompt } });
  return waitForFinal(sut, started.id);
}

describe('faults on the way', () => {
  it('waits for Retry-After when creating a prediction is rate limited, and creates exactly one', async () => {
    fake.state.predictions.configure(model, {});
    fake.inject({
      method: 'POST',
      pathPrefix: '/v1/predictions',
      status: 429,
      headers: { 'retry-after': '3' },
      times: 2,
    });
    const before = {
      created: createRequests(fake).length,
      predictions: fake.state.predictions.predictions.size,
    };
    sut.sleeps.waits.length = 0;
    const done = await run('rate limited');
    expect(done.status).toBe('succeeded');
    expect(sut.sleeps.waits.filter((ms) => ms === 3000)).toHaveLength(2);
    expect(createRequests(fake).length - before.created).toBe(3);
    expect(fake.state.predictions.predictions.size - before.predictions).toBe(1);
  });

  it('keeps polling through 5xx answers', async () => {
    fake.inject({ method: 'GET', pathPrefix: '/v1/predictions/', status: 503, times: 4 });
    expect((await run('server errors')).status).toBe('succeeded');
    expect(fake.state.faults.every((f) => f.times === 0)).toBe(true);
  });

  it('fails a generation whose polls Replicate keeps refusing, instead of polling for ever', async () => {
    fake.state.predictions.configure(model, {});
    fake.inject({ method: 'GET', pathPrefix: '/v1/predictions/', status: 401, times: 1000 });
    try {
      const done = await run('revoked token');
      expect(done.status).toBe('failed');
      expect(done.errorCode).toBe('REPLICATE_UNAUTHORIZED');
      expect(done.error).toContain('REPLICATE_API_TOKEN');
    } finally {
      fake.state.faults.length = 0;
    }
  });

  it('finds the prediction when the create answer is lost, instead of sending a second one', async () => {
    fake.state.predictions.configure(model, { dropCreateResponse: true });
    const before = fake.state.predictions.predictions.size;
    const done = await run('lost answer');
    fake.state.predictions.configure(model, {});
    expect(done.status).toBe('succeeded');
    expect(fake.state.predictions.predictions.size - before).toBe(1);
    expect(done.predictionId).toBe([...fake.state.predictions.predictions.keys()].at(-1));
  });

  it('downloads a slow output that trickles in', async () => {
    fake.state.predictions.configure(model, { output: 'slow', trickleMs: 1 });
    const done = await run('slow');
    expect(done.status).toBe('succeeded');
    expect(done.media?.bytes).toBeGreaterThan(10_000);
  });

  it('retries a truncated download after 2 s and keeps the whole file', async () => {
    fake.state.predictions.configure(model, { truncateFirst: 1 });
    sut.sleeps.waits.length = 0;
    const done = await run('truncated once');
    expect(done.status).toBe('succeeded');
    expect(sut.sleeps.waits).toContain(2000);
    expect(fake.state.predictions.downloadsOf(done.predictionId!)).toBe(2);
  });

  it('fails a download that stays truncated after the 2, 4 and 8 s retries, keeping nothing', async () => {
    fake.state.predictions.configure(model, { output: 'truncated' });
    sut.sleeps.waits.length = 0;
    const done = await run('truncated');
    expect(done).toMatchObject({ status: 'failed', errorCode: 'DOWNLOAD_TRUNCATED' });
    expect(done.error).toMatch(/could not be downloaded completely/);
    const retries = sut.sleeps.waits.filter((ms) => ms >= 2000 && ms <= 8000 && ms % 2000 === 0);
    expect(retries).toEqual([2000, 4000, 8000]);
    expect(fake.state.predictions.downloadsOf(done.predictionId!)).toBe(4);
    expect(mediaFiles(sut).filter((f) => f.startsWith(done.id))).toEqual([]);
  });

  it('never keeps a wrong-type output', async () => {
    fake.state.predictions.configure(model, { output: 'wrong-type' });
    const done = await run('wrong type');
    expect(done).toMatchObject({ status: 'failed', errorCode: 'DOWNLOAD_WRONG_TYPE' });
    expect(done.error).toMatch(/not a video/);
    expect(fake.state.predictions.downloadsOf(done.predictionId!)).toBe(1);
    expect(mediaFiles(sut).filter((f) => f.startsWith(done.id))).toEqual([]);
  });

  it('refuses a redirect to a host outside the allow-list', async () => {
    fake.state.predictions.configure(model, { output: 'forbidden-redirect' });
    const done = await run('redirect');
    expect(done).toMatchObject({ status: 'failed', errorCode: 'DOWNLOAD_HOST_REFUSED' });
  });

  it('refuses an output above DOWNLOAD_MAX_BYTES without reading it', async () => {
    fake.state.predictions.configure(model, { output: 'huge', hugeBytes: 50 * 1024 * 1024 });
    const done = await run('huge');
    expect(done).toMatchObject({ status: 'failed', errorCode: 'DOWNLOAD_TOO_LARGE' });
    const event = await waitForEvent(sut, (e) => e.generation.id === done.id && e.type === 'failed');
    expect(event.type === 'failed' && event.reason).toMatch(/larger than reelbot's limit of 2 MB/);
  });
});
