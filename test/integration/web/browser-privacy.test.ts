import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOf } from '../../../src/core/access/place.js';
import { createGalleryLinks } from '../../../src/core/chat/gallery-links.js';
import {
  closeTestServer,
  createTestData,
  launchChromium,
  makeSampleMedia,
  seedGallery,
  startTestServer,
  type TestData,
} from '../../support/web-gallery.js';

let data: TestData;
let seeded: Awaited<ReturnType<typeof seedGallery>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  data = createTestData({ private: true });
  seeded = await seedGallery(data, await makeSampleMedia());
  server = await startTestServer(data);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeTestServer(server, data);
});

/** The link /gallery hands out in fox's Discord server, pointed at the test server. */
function serverLink(): string {
  const link = new URL(createGalleryLinks(data.config).place(placeOf(seeded.fox.requester)));
  return `${server.url}${link.pathname}${link.search}`;
}

describe('the gallery in a real browser, through a signed link', () => {
  it("shows only that server's videos, with their posters and playable video", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(serverLink());
    const shown = await page
      .locator('[data-generation-id]')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-generation-id')));
    expect(shown.sort()).toEqual([seeded.fox.id, seeded.failed.id].sort());
    // The poster loads without a key in its URL: the link's cookie carries it.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('img.card__poster')).every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );

    await page.click(`[data-generation-id="${seeded.fox.id}"] a.card__link`);
    await page.waitForURL(new RegExp(`/g/${seeded.fox.id}`));
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1);

    // Another server's video is not there, even by its address.
    const other = await page.goto(`${server.url}/g/${seeded.boxes.id}`);
    expect(other?.status()).toBe(404);
    await context.close();
  });

  it('to one video (Open in gallery) shows no link to a page that link cannot open', async () => {
    const link = new URL(createGalleryLinks(data.config).generation(seeded.fox));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}${link.pathname}${link.search}`);
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1);
    const hrefs = await page
      .locator('a[href]')
      .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    expect(hrefs.length).toBeGreaterThan(0);
    // The link's cookie goes with each request, as it would on a click.
    const dead: string[] = [];
    for (const href of hrefs) {
      const response = await context.request.get(href);
      if (!response.ok()) dead.push(`${new URL(href).pathname}${new URL(href).search}: ${response.status()}`);
    }
    expect(dead).toEqual([]);
    await context.close();
  });

  it('shows nothing to a browser without a link', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(404);
    expect(await page.locator('[data-generation-id]').count()).toBe(0);
    await context.close();
  });
});
