import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOf } from '../../../src/core/access/place.js';
import { createGalleryLinks } from '../../../src/core/chat/gallery-links.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startWebServer, type WebServer } from '../../../src/web/index.js';
import type { PublicGeneration } from '../../../src/web/public-generation.js';
import { type DiscordHarness, startHarness, waitForEdit } from './harness.js';

const hunyuan = 'tencent/hunyuan-video';
const video01 = 'minimax/video-01';

let h: DiscordHarness;
let web: WebServer;
const priceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-spend-prices-'));

beforeAll(async () => {
  // The operator knows hunyuan runs on an H100 ($0.001525/s in the shipped table).
  const pricesFile = path.join(priceDir, 'prices.json');
  fs.writeFileSync(
    pricesFile,
    JSON.stringify({
      source: 'test',
      checkedOn: '2026-12-02',
      models: { [hunyuan]: { hardware: 'gpu-h100' } },
    }),
  );
  h = await startHarness({ env: { PRICES_FILE: pricesFile } });
  web = await startWebServer({ config: h.config, store: h.store, logger: silentLogger() }, 0, '127.0.0.1');
});
afterAll(async () => {
  await web?.close();
  await h?.close();
  fs.rmSync(priceDir, { recursive: true, force: true });
});

async function finishVideo(model: string, prompt: string) {
  const interaction = h.discord.sendCommand('video', [
    { name: 'model', value: model },
    { name: 'prompt', value: prompt },
  ]);
  const done = await waitForEdit(h, interaction.token, /^✅ Done/);
  const generation = (await h.store.list({ userId: interaction.user.id, model })).items[0]!;
  return { done, generation };
}

describe('what a video cost', () => {
  it('shows Replicate seconds and dollars on the final message, the API, the card and the detail page', async () => {
    h.replicate.state.predictions.configure(hunyuan, { steps: 1, predictTime: 12.5 });
    const { done, generation } = await finishVideo(hunyuan, 'a kettle boiling on a stove');
    // 12.5 s at $0.001525/s = $0.019
    expect(done.json.content).toContain('GPU 12.5 s · about $0.02');
    expect(generation.metrics?.predictTime).toBe(12.5);
    expect(generation.costUsd).toBeCloseTo(12.5 * 0.001525, 9);

    // The gallery is private: a server's signed link, as /gallery hands out, opens it.
    const key = new URL(createGalleryLinks(h.config).place(placeOf(generation.requester))).searchParams.get(
      'key',
    );
    const api = (await (
      await fetch(`${web.url}/api/generations/${generation.id}?key=${key}`)
    ).json()) as PublicGeneration;
    expect(api.metrics?.predictTime).toBe(12.5);
    expect(api.costUsd).toBeCloseTo(0.0190625, 9);

    const gallery = await (await fetch(`${web.url}/?key=${key}`)).text();
    const card = gallery.slice(gallery.indexOf(`data-generation-id="${generation.id}"`));
    expect(card.slice(0, card.indexOf('</li>'))).toContain('GPU 12.5 s · about $0.02');
    const detail = await (await fetch(`${web.url}/g/${generation.id}?key=${key}`)).text();
    expect(detail).toContain('GPU 12.5 s · about $0.02');
  });

  it('prices an official model per video, and shows seconds alone for a model whose price is unknown', async () => {
    h.replicate.state.predictions.configure(video01, { steps: 1, predictTime: 80 });
    const official = await finishVideo(video01, 'a lighthouse in a storm');
    expect(official.done.json.content).toContain('GPU 80 s · about $0.50');

    h.replicate.state.predictions.configure('anotherjesse/zeroscope-v2-xl', { steps: 1, predictTime: 7.25 });
    const unknown = await finishVideo('anotherjesse/zeroscope-v2-xl', 'waves at dusk');
    expect(unknown.done.json.content).toMatch(/^GPU 7\.3 s$/m);
    expect(unknown.done.json.content).not.toContain('$');
    expect(unknown.generation.costUsd).toBeUndefined();
  });
});
