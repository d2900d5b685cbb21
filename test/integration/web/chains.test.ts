import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Generation } from '../../../src/core/generations/types.js';
import { ada, attachJoinedMedia, insertChain, useSeededGallery } from '../../support/web-gallery.js';

const gallery = useSeededGallery();

async function page(pathAndQuery: string) {
  const response = await fetch(`${gallery.server.url}${pathAndQuery}`);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** A chain of three finished parts (the newest with the joined video) and an edit of its second part. */
async function seedChain(): Promise<{ parts: Generation[]; edited: Generation }> {
  const { data, sample } = gallery;
  const parts = await insertChain(data, sample, [
    'a lantern floats up',
    'the lantern meets the moon',
    'the moon smiles back',
  ]);
  await data.store.update(parts[0]!.id, { chainId: parts[0]!.id });
  await attachJoinedMedia(data, sample, parts[2]!.id, { durationSeconds: 6 });
  data.clock.now += 1000;
  const edited = await data.store.insert({
    source: 'replicate',
    requester: ada,
    model: 'minimax/video-01',
    prompt: 'the lantern meets the sun',
    input: {},
    origin: { kind: 'edit', generationId: parts[1]!.id },
  });
  return { parts: await Promise.all(parts.map(async (p) => (await data.store.get(p.id))!)), edited };
}

describe('chains in the gallery', () => {
  it('shows a chain as its newest part, playing the joined video, with links to the parts; an edit links back', async () => {
    const { parts, edited } = await seedChain();
    const { html } = await page('/');
    expect(html).not.toContain(`data-generation-id="${parts[0]!.id}"`);
    expect(html).not.toContain(`data-generation-id="${parts[1]!.id}"`);
    const start = html.indexOf(`data-generation-id="${parts[2]!.id}"`);
    expect(start).toBeGreaterThan(-1);
    const card = html.slice(start, html.indexOf('</li>', start));
    expect(card).toContain('Part 3 of 3');
    expect(card).toContain('0:06');

    const detail = (await page(`/g/${parts[2]!.id}`)).html;
    expect(detail).toContain(`src="/media/${parts[2]!.id}/joined"`);
    expect(detail).toContain('Chain of 3 parts');
    expect(detail).toContain(`href="/g/${parts[0]!.id}"`);
    expect(detail).toContain(`href="/g/${parts[1]!.id}"`);
    const joined = await fetch(`${gallery.server.url}/media/${parts[2]!.id}/joined`);
    expect(joined.status).toBe(200);
    expect(joined.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await joined.arrayBuffer()).equals(fs.readFileSync(gallery.sample.video))).toBe(true);

    const editPage = (await page(`/g/${edited.id}`)).html;
    expect(editPage).toContain('Edited from');
    expect(editPage).toContain(`href="/g/${parts[1]!.id}"`);
  });
});
