import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, RateLimitError, ReelbotError, UpstreamError } from '../../../../src/core/errors.js';
import { createReplicateApi } from '../../../../src/core/replicate/client.js';
import { type FakeReplicate, startFakeReplicate } from '../../../fakes/replicate/server.js';

let fake: FakeReplicate;
const sleeps: number[] = [];

beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(() => fake.close());

function api(token = fake.state.token) {
  return createReplicateApi({
    token,
    apiUrl: fake.apiUrl,
    // Record the waits instead of spending them: the policy is what is under test.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    retry: { maxAttempts: 4, baseDelayMs: 100 },
  });
}

describe('Replicate API client', () => {
  it('reads collections and models from the fake through the official client', async () => {
    const collection = await api().getCollection('text-to-video');
    expect(collection.models.map((m) => `${m.owner}/${m.name}`)).toContain('minimax/video-01');
    const model = await api().getModel('minimax', 'video-01-live');
    expect(model.latest_version?.openapi_schema).toBeTruthy();
  });

  it('waits for Retry-After on a 429 and then succeeds', async () => {
    sleeps.length = 0;
    fake.inject({
      pathPrefix: '/v1/models/minimax/video-01',
      status: 429,
      headers: { 'retry-after': '2' },
      times: 2,
    });
    const before = fake.state.requests.length;
    const model = await api().getModel('minimax', 'video-01');
    expect(model.name).toBe('video-01');
    expect(sleeps).toEqual([2000, 2000]);
    expect(fake.state.requests.length - before).toBe(3);
  });

  it('backs off exponentially when a 429 has no Retry-After, then gives up with RateLimitError', async () => {
    sleeps.length = 0;
    fake.inject({ pathPrefix: '/v1/collections/', status: 429, times: 10 });
    const before = fake.state.requests.length;
    await expect(api().getCollection('text-to-video')).rejects.toBeInstanceOf(RateLimitError);
    // our 4 attempts, and none more: the client's own retry loop is not allowed to hammer on.
    expect(fake.state.requests.length - before).toBe(4);
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
    fake.state.faults.length = 0;
  });

  it('retries a 5xx on reads and reports UpstreamError when it persists', async () => {
    fake.inject({ pathPrefix: '/v1/models/', status: 502, times: 1 });
    expect((await api().getModel('minimax', 'video-01')).owner).toBe('minimax');
    fake.inject({ pathPrefix: '/v1/models/', status: 503, times: 10 });
    await expect(api().getModel('minimax', 'video-01')).rejects.toBeInstanceOf(UpstreamError);
    fake.state.faults.length = 0;
  });

  it('maps 404 and 401 to errors a user can read', async () => {
    await expect(api().getModel('nobody', 'nothing')).rejects.toBeInstanceOf(NotFoundError);
    const unauthorized = await api('wrong')
      .getModel('minimax', 'video-01')
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(ReelbotError);
    expect((unauthorized as ReelbotError).code).toBe('REPLICATE_UNAUTHORIZED');
  });

  it("uploads a file under the person's file name and its content type, as the Files API reads them", async () => {
    const bytes = Buffer.from('RIFF....WEBPVP8 ');
    const uploaded = await api().uploadFile(
      new Blob([bytes], { type: 'image/webp' }),
      'harbour at dusk.webp',
    );
    expect(uploaded).toMatchObject({
      name: 'harbour at dusk.webp',
      content_type: 'image/webp',
      size: bytes.length,
    });
    const received = fake.state.predictions.files.get(uploaded.id)!;
    // The client's own multipart: the bytes in `content` (named and typed there), then `metadata`.
    expect(received).toMatchObject({
      name: 'harbour at dusk.webp',
      contentType: 'image/webp',
      fields: ['content', 'metadata'],
      metadata: {},
    });
    expect(received.bytes.equals(bytes)).toBe(true);
  });
});
