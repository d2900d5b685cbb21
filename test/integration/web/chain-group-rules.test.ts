import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createLinkSigner } from '../../../src/core/access/link-token.js';
import type { GenerationGroup } from '../../../src/core/generations/groups/types.js';
import type { Generation } from '../../../src/core/generations/types.js';
import { createGroupStore } from '../../../src/core/store/groups.js';
import {
  ada,
  attachJoinedMedia,
  attachMedia,
  closeTestServer,
  createTestData,
  insertChain,
  insertGroupWithMedia,
  launchChromium,
  linkAccess,
  makeSampleMedia,
  startTestServer,
  type TestData,
  t1,
  w1,
} from '../../support/web-gallery.js';

// Ada's chain and batch are in Discord server w1, a private gallery; Slack workspace t1 must see
// neither, nor their joined or grid video. The batch's prompt was flagged in an age-restricted category.

let data: TestData;
let server: Awaited<ReturnType<typeof startTestServer>>;
let signer: ReturnType<typeof createLinkSigner>;
let chain: Generation[];
let group: GenerationGroup;
let flaggedChain: Generation[];
let browser: Browser;

beforeAll(async () => {
  const sample = await makeSampleMedia();
  data = createTestData({ private: true });
  const groups = createGroupStore(data.db, () => data.clock.now);

  chain = await insertChain(data, sample, ['a kite rises', 'the kite meets a gull']);
  await attachJoinedMedia(data, sample, chain[1]!.id);

  // A chain flagged from its first part (Extend carries the marks): its page plays the joined video.
  flaggedChain = await insertChain(data, sample, ['a dancer undresses', 'the dancer bows'], ['sexual']);
  await attachJoinedMedia(data, sample, flaggedChain[1]!.id);

  const members: Generation[] = [];
  for (const seed of [1, 2]) {
    data.clock.now += 1000;
    const member = await data.store.insert({
      source: 'replicate',
      requester: ada,
      model: 'minimax/video-01',
      prompt: 'a boudoir still life',
      input: { prompt: 'a boudoir still life', seed },
      seed,
      restrictedCategories: ['sexual'],
    });
    members.push(await attachMedia(data, sample, member.id));
  }
  group = await insertGroupWithMedia(data, sample, groups, {
    kind: 'batch',
    requester: ada,
    prompt: 'a boudoir still life',
    memberIds: members.map((m) => m.id),
  });
  const access = linkAccess(data);
  signer = access.signer;
  server = await startTestServer(data, { groups, access });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeTestServer(server, data);
});

const get = (pathAndQuery: string, key?: string) =>
  fetch(`${server.url}${pathAndQuery}${key ? `?key=${key}` : ''}`, { redirect: 'manual' });

describe('chains and groups keep the gallery’s rules', () => {
  it('opens a chain’s joined video only to its place', async () => {
    const joined = `/media/${chain[1]!.id}/joined`;
    const own = await get(joined, signer.sign({ place: w1 }));
    expect(own.status).toBe(200);
    await own.arrayBuffer();
    for (const key of [undefined, signer.sign({ place: t1 })]) {
      const response = await get(joined, key);
      expect(response.status).toBe(404);
      await response.arrayBuffer();
    }
    const elsewhere = await (await get('/', signer.sign({ place: t1 }))).text();
    for (const part of chain) expect(elsewhere).not.toContain(part.id);
  });

  it('blurs the grid of a group whose clips were flagged in an age-restricted category, on its card and its page', async () => {
    const key = signer.sign({ place: w1 });
    const gallery = await (await get('/', key)).text();
    const start = gallery.indexOf(`data-group-id="${group.id}"`);
    expect(start).toBeGreaterThan(-1);
    const card = gallery.slice(start, gallery.indexOf('</li>', start));
    expect(card).toMatch(/data-restricted>\s*<img class="card__poster" src="\/media\/grp\//);
    expect(card).toContain('Flagged for sexual content');

    const page = await (await get(`/grp/${group.id}`, key)).text();
    expect(page).toMatch(/data-restricted>\s*<video class="player" src="\/media\/grp\//);
  });

  it('blurs a flagged chain’s joined video and a flagged grid on their pages until a click, or the keyboard alone, reveals them', async () => {
    const key = signer.sign({ place: w1 });
    const context = await browser.newContext();
    const page = await context.newPage();
    const blurOf = (on: Page) => on.locator('video').evaluate((video) => getComputedStyle(video).filter);
    for (const url of [`/g/${flaggedChain[1]!.id}`, `/grp/${group.id}`]) {
      await page.goto(`${server.url}${url}?key=${key}`);
      expect(await blurOf(page), url).toMatch(/^blur\(/);
      // Tab to the note and press Enter: no mouse.
      for (let tab = 0; tab < 20; tab += 1) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => document.activeElement?.classList.contains('restricted__note'))) break;
      }
      expect(await page.evaluate(() => document.activeElement?.textContent), url).toContain(
        'Flagged for sexual content',
      );
      await page.keyboard.press('Enter');
      expect(await blurOf(page), url).toBe('none');
      // The note is gone: focus moves on to the player it covered.
      expect(await page.evaluate(() => document.activeElement?.tagName), url).toBe('VIDEO');
    }
    await context.close();
  });
});
