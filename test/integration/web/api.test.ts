import { describe, expect, it } from 'vitest';
import type { PublicGeneration } from '../../../src/web/public-generation.js';
import { ada, insertMany, useSeededGallery } from '../../support/web-gallery.js';

const gallery = useSeededGallery();

interface Page {
  items: PublicGeneration[];
  next: string | null;
  nextUrl: string | null;
}

async function getPage(query = ''): Promise<Page> {
  const response = await fetch(`${gallery.server.url}/api/generations${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Page;
}

describe('GET /api/generations', () => {
  it('lists newest first with public links', async () => {
    const page = await getPage();
    expect(page.items.map((item) => item.id)).toEqual([
      gallery.seeded.hostile.id,
      gallery.seeded.running.id,
      gallery.seeded.failed.id,
      gallery.seeded.boxes.id,
      gallery.seeded.fox.id,
    ]);
    const fox = page.items.find((item) => item.id === gallery.seeded.fox.id)!;
    expect(fox.media).toMatchObject({
      url: `/media/${gallery.seeded.fox.id}`,
      posterUrl: `/media/${gallery.seeded.fox.id}/poster`,
      downloadUrl: `/media/${gallery.seeded.fox.id}?download=1`,
      mime: 'video/mp4',
      width: 320,
    });
    expect(fox.seed).toBe(42);
    expect(fox.final).toBe(true);
    expect(page.next).toBeNull();
  });

  it('filters by status, model, platform, source, user and search', async () => {
    const ids = async (query: string) => (await getPage(query)).items.map((item) => item.id);
    expect(await ids('?status=failed')).toEqual([gallery.seeded.failed.id]);
    expect(await ids('?status=running')).toEqual([gallery.seeded.running.id]);
    expect(await ids('?model=physics')).toEqual([gallery.seeded.boxes.id]);
    expect(await ids('?platform=discord')).toEqual([gallery.seeded.failed.id, gallery.seeded.fox.id]);
    expect(await ids('?source=simulation')).toEqual([gallery.seeded.boxes.id]);
    expect(await ids(`?user=${ada.userId}`)).toEqual([gallery.seeded.failed.id, gallery.seeded.fox.id]);
    expect(await ids('?q=fox')).toEqual([gallery.seeded.fox.id]);
    expect(await ids('?q=snow&status=succeeded&model=minimax%2Fvideo-01')).toEqual([gallery.seeded.fox.id]);
    expect(await ids('?status=&q=')).toHaveLength(5);
  });

  it('pages with a keyset cursor', async () => {
    await insertMany(gallery.data, 60, { source: 'replicate', model: 'bulk/model', prompt: 'bulk' });
    const first = await getPage('?model=bulk%2Fmodel');
    expect(first.items).toHaveLength(48);
    expect(first.next).toBeTruthy();
    expect(first.nextUrl).toBe(`/api/generations?model=bulk%2Fmodel&after=${first.next}`);
    const second = (await (await fetch(`${gallery.server.url}${first.nextUrl}`)).json()) as Page;
    expect(second.items).toHaveLength(12);
    expect(second.next).toBeNull();
    const all = [...first.items, ...second.items].map((item) => item.prompt);
    expect(new Set(all).size).toBe(60);
    expect(all[0]).toBe('bulk 59');
    expect(all.at(-1)).toBe('bulk 0');
  });

  it('rejects malformed filters and cursors with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['?status=exploded', 'status'],
      ['?platform=myspace', 'platform'],
      ['?after=not-a-cursor', 'after'],
      ['?status=failed&status=succeeded', 'status'],
    ] as const) {
      const response = await fetch(`${gallery.server.url}/api/generations${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INPUT_INVALID');
      expect(body.error.message).toContain(field);
    }
  });

  it('never includes internal fields', async () => {
    const leaky = await gallery.data.store.insert({
      source: 'replicate',
      requester: ada,
      model: 'a/b',
      prompt: 'leaky',
      input: {},
      messageRef: { interactionToken: 'secret-interaction-token' },
    });
    await gallery.data.store.update(leaky.id, {
      status: 'processing',
      predictionId: 'pred-secret-id',
      outputUrl: 'https://replicate.delivery/secret/output.mp4',
      extraOutputs: ['https://replicate.delivery/secret/extra.mp4'],
    });
    expect((await gallery.data.store.claimDownload(leaky.id, 'worker-secret-claim', 60_000)).claimed).toBe(
      true,
    );
    for (const url of [
      `/api/generations/${leaky.id}`,
      '/api/generations?q=leaky',
      `/g/${leaky.id}`,
      '/?q=leaky',
    ]) {
      const text = await (await fetch(`${gallery.server.url}${url}`)).text();
      expect(text, url).toContain(leaky.id);
      for (const secret of [
        'replicate.delivery',
        'worker-secret-claim',
        'secret-interaction-token',
        'pred-secret-id',
      ])
        expect(text, `${url} leaks ${secret}`).not.toContain(secret);
    }
    const one = (await (
      await fetch(`${gallery.server.url}/api/generations/${gallery.seeded.fox.id}`)
    ).json()) as Record<string, unknown>;
    expect(Object.keys(one)).not.toEqual(expect.arrayContaining(['messageRef']));
    expect(JSON.stringify(one)).not.toContain(gallery.data.dataDir);
    expect(JSON.stringify(one)).not.toContain(`media/${gallery.seeded.fox.id}.mp4`);
  });
});

describe('GET /api/generations/:id', () => {
  it('returns one generation, with the whole error when it failed', async () => {
    const response = await fetch(`${gallery.server.url}/api/generations/${gallery.seeded.failed.id}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as PublicGeneration;
    expect(body).toMatchObject({
      id: gallery.seeded.failed.id,
      status: 'failed',
      final: true,
      errorCode: 'PREDICTION_FAILED',
      upstreamError: 'CUDA out of memory. Tried to allocate 2.00 GiB',
    });
    expect(body.error).toBe(gallery.seeded.failed.error);
  });

  it('answers no-store JSON with its exact length and no ETag, for lists and one generation', async () => {
    for (const path of ['/api/generations', `/api/generations/${gallery.seeded.hostile.id}`]) {
      const response = await fetch(`${gallery.server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      // Nothing stored is ever revalidated: hashing the body for an ETag was waste.
      expect(response.headers.get('etag'), path).toBeNull();
      const body = Buffer.from(await response.arrayBuffer());
      expect(Number(response.headers.get('content-length')), path).toBe(body.length);
      expect(JSON.parse(body.toString('utf8'))).toBeTruthy();
      const head = await fetch(`${gallery.server.url}${path}`, { method: 'HEAD' });
      expect(head.headers.get('content-length'), path).toBe(String(body.length));
      expect((await head.arrayBuffer()).byteLength, path).toBe(0);
    }
  });

  it('answers 404 in JSON for unknown ids', async () => {
    for (const id of ['g_nope', '..%2F..%2Fetc', 'x'.repeat(300)]) {
      const response = await fetch(`${gallery.server.url}/api/generations/${id}`);
      expect(response.status, id).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });
});
