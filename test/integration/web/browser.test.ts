import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupEvent, GroupListener } from '../../../src/core/generations/groups/types.js';
import type { GenerationEvent, GenerationListener } from '../../../src/core/generations/types.js';
import { createGroupStore } from '../../../src/core/store/groups.js';
import { createFavorites } from '../../../src/core/store/index.js';
import {
  ada,
  attachMedia,
  bob,
  closeTestServer,
  createTestData,
  finishGroupWithMedia,
  insertChain,
  launchChromium,
  makeSampleMedia,
  seedGallery,
  startTestServer,
  type TestData,
} from '../../support/web-gallery.js';

const artifacts = path.resolve(import.meta.dirname, '../../artifacts/web');

let sample: { video: string; poster: string };
let data: TestData;
let seeded: Awaited<ReturnType<typeof seedGallery>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let favorites: ReturnType<typeof createFavorites>;
let groups: ReturnType<typeof createGroupStore>;
const listeners = new Set<GenerationListener>();
const emit = (event: GenerationEvent) => {
  for (const listener of listeners) listener(event);
};
const groupListeners = new Set<GroupListener>();
const emitGroup = (event: GroupEvent) => {
  for (const listener of groupListeners) listener(event);
};

/** Every card on the page, by its video's or group's id, with its whole markup: what a reload must match. */
function cardEntries(page: Page) {
  return page
    .locator('.card')
    .evaluateAll((cards) =>
      cards.map((c) => [
        c.getAttribute('data-generation-id') ?? c.getAttribute('data-group-id'),
        c.outerHTML,
      ]),
    );
}

/** Console errors and CSP violations the pages produced; a clean page has none. */
const problems: string[] = [];

function watch(page: Page) {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
}

beforeAll(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  sample = await makeSampleMedia();
  data = createTestData();
  seeded = await seedGallery(data, sample);
  const prompts = [
    'A hummingbird drinking from a red flower, macro, slow motion',
    'Neon city street at night in the rain, cinematic tracking shot',
    'An astronaut planting a tree on the moon',
    'Waves crashing on black sand beach, aerial drone shot',
    'A steaming cup of coffee on a wooden table, morning light',
    'Origami cranes flying over a paper city',
  ];
  for (const [i, prompt] of prompts.entries()) {
    data.clock.now += 60_000;
    const row = await data.store.insert({
      source: i % 3 === 2 ? 'simulation' : 'replicate',
      requester: i % 2 ? ada : bob,
      model: i % 3 === 2 ? 'physics' : i % 2 ? 'minimax/video-01' : 'kwaivgi/kling-v2.1',
      prompt,
      input: { prompt, duration: 5 },
      seed: 1000 + i,
    });
    await attachMedia(data, sample, row.id);
  }
  // A long model name and a prompt of one long word must wrap or be cut inside a phone-width card.
  data.clock.now += 60_000;
  await data.store.insert({
    source: 'replicate',
    requester: ada,
    model: 'an-owner-with-a-long-name/an-image-to-video-model-with-a-long-name',
    prompt: 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(4),
    input: {},
    status: 'canceled',
  });
  data.clock.now += 10 * 60_000;
  // Two people like the boxes, one the fox: the Favorited filter shows the boxes first.
  favorites = createFavorites(data.db);
  await favorites.set({ platform: 'discord', userId: 'u-ada' }, seeded.boxes.id, true);
  await favorites.set({ platform: 'slack', userId: 'u-bob' }, seeded.boxes.id, true);
  await favorites.set({ platform: 'discord', userId: 'u-ada' }, seeded.fox.id, true);
  groups = createGroupStore(data.db, () => data.clock.now);
  server = await startTestServer(data, {
    favorites,
    groups,
    events: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    groupEvents: {
      subscribe(listener) {
        groupListeners.add(listener);
        return () => groupListeners.delete(listener);
      },
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeTestServer(server, data);
});

/** A compare of two clips asked for with `prompt`, one done and one running, as a page finds it. */
async function startGroup(prompt: string) {
  const members = [];
  for (const model of ['minimax/video-01', 'kwaivgi/kling-v2.1']) {
    data.clock.now += 1000;
    members.push(
      await data.store.insert({ source: 'replicate', requester: ada, model, prompt, input: { prompt } }),
    );
  }
  await attachMedia(data, sample, members[0]!.id);
  await data.store.update(members[1]!.id, { status: 'processing', progress: 30 });
  const group = await groups.insert({
    kind: 'compare',
    requester: ada,
    prompt,
    memberIds: members.map((m) => m.id),
  });
  return { group, done: members[0]!, running: members[1]! };
}

describe('the gallery in a real browser', () => {
  it('shows the seeded cards, filters them and searches', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    watch(page);
    await page.goto(server.url);
    await expect.poll(() => page.locator('.card').count()).toBe(12);
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('img.card__poster')).every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    await page.screenshot({ path: path.join(artifacts, 'gallery.png'), fullPage: true });

    await page.selectOption('select[name="status"]', 'failed');
    await page.waitForURL(/status=failed/);
    expect(await page.locator('.card').count()).toBe(1);
    expect(await page.locator('.card--failed .card__error').textContent()).toMatch(
      /^The model ran out of GPU memory.*…$/,
    );
    await page.screenshot({ path: path.join(artifacts, 'gallery-failed.png') });

    // From the keyboard alone: Tab to the status filter, an arrow key picks the next status and the
    // page reloads filtered, with focus back on that filter, so the next arrow goes on from there.
    await page.goto(server.url);
    await page.locator('input[name="q"]').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/status=running/);
    expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).toBe(
      'status',
    );
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/status=queued/);
    expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).toBe(
      'status',
    );

    await page.goto(server.url);
    await page.fill('input[name="q"]', 'fox');
    await page.press('input[name="q"]', 'Enter');
    await page.waitForURL(/q=fox/);
    expect(await page.locator('.card').count()).toBe(1);

    await page.goto(server.url);
    await page.selectOption('select[name="favorites"]', 'anyone');
    await page.waitForURL(/favorites=anyone/);
    expect(
      await page
        .locator('.card')
        .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-generation-id'))),
    ).toEqual([seeded.boxes.id, seeded.fox.id]);
    expect(await page.locator('.card__stars').first().textContent()).toBe('★ 2');
    await page.close();
  });

  it('updates a running card live and swaps in the finished video', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    watch(page);
    await page.goto(`${server.url}/?status=running`);
    const card = page.locator(`[data-generation-id="${seeded.running.id}"]`);
    await expect.poll(() => card.locator('[data-badge]').textContent()).toBe('Processing 40%');
    await expect.poll(() => listeners.size).toBe(1);
    // As the service does: record first, then tell subscribers.
    await data.store.update(seeded.running.id, { progress: 75 });
    emit({ type: 'progress', generation: (await data.store.get(seeded.running.id))!, percent: 75 });
    await page.waitForFunction(
      (id) =>
        document.querySelector(`[data-generation-id="${id}"] [data-badge]`)?.textContent === 'Processing 75%',
      seeded.running.id,
      { timeout: 5000 },
    );
    expect(await card.locator('progress').evaluate((bar: HTMLProgressElement) => bar.value)).toBe(75);
    const done = await attachMedia(data, sample, seeded.running.id);
    emit({ type: 'succeeded', generation: done, media: done.media! });
    await page.waitForSelector(
      `[data-generation-id="${seeded.running.id}"]:not([data-running]) img.card__poster`,
    );
    expect(await card.getAttribute('data-status')).toBe('succeeded');
    await page.close();
  });

  it('moves a running simulation\'s page live: both badges, the bar and the "Rendering frame" line together', async () => {
    data.clock.now += 1000;
    const row = await data.store.insert({
      source: 'simulation',
      requester: ada,
      model: 'physics',
      prompt: 'A tower of 10 boxes topples',
      input: { prompt: 'A tower of 10 boxes topples' },
      seed: 5,
      status: 'processing',
    });
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    watch(page);
    await page.goto(`${server.url}/g/${row.id}`);
    await expect.poll(() => listeners.size).toBe(1);
    const shown = () =>
      page.evaluate(() => ({
        badges: Array.from(document.querySelectorAll('[data-badge]'), (badge) => badge.textContent),
        bar: document.querySelector<HTMLProgressElement>('[data-progress]')?.value,
        line: document.querySelector<HTMLElement>('[data-log]')?.hidden
          ? undefined
          : document.querySelector('[data-log]')?.textContent,
      }));
    // As the simulation job does: record the percent and its line, then tell subscribers.
    const render = async (percent: number, log: string) => {
      await data.store.transition(row.id, ['processing'], { progress: percent, lastLog: log });
      emit({ type: 'progress', generation: (await data.store.get(row.id))!, percent, log });
    };
    // No line yet when the page opened: the first one appears with its percent.
    await render(12, 'Rendering frame 11/90');
    await expect
      .poll(shown, { timeout: 5000 })
      .toEqual({ badges: ['Processing 12%', 'Processing 12%'], bar: 12, line: 'Rendering frame 11/90' });
    await render(50, 'Rendering frame 45/90');
    await expect
      .poll(shown, { timeout: 5000 })
      .toEqual({ badges: ['Processing 50%', 'Processing 50%'], bar: 50, line: 'Rendering frame 45/90' });
    // A reload shows what the live page showed.
    await page.reload();
    expect(await shown()).toEqual({
      badges: ['Processing 50%', 'Processing 50%'],
      bar: 50,
      line: 'Rendering frame 45/90',
    });
    await data.store.transition(row.id, ['processing'], { status: 'canceled', completedAt: data.clock.now });
    emit({ type: 'canceled', generation: (await data.store.get(row.id))! });
    await page.close();
  });

  it('takes a running card away when its video was deleted, rather than leaving it running', async () => {
    data.clock.now += 1000;
    const doomed = await data.store.insert({
      source: 'replicate',
      requester: bob,
      model: 'minimax/video-01',
      prompt: 'A snowman melts in fast motion',
      input: {},
      status: 'processing',
    });
    // Not watched: the card's 404, which Chromium logs as a console error, is the point here.
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    await page.goto(`${server.url}/?status=running`);
    const card = page.locator(`[data-generation-id="${doomed.id}"]`);
    expect(await card.count()).toBe(1);
    await expect.poll(() => listeners.size).toBe(1);
    // The operator's delete cancels, then removes the row: the card's fetch of its final state is a 404.
    await data.store.delete(doomed.id);
    emit({ type: 'canceled', generation: { ...doomed, status: 'canceled' } });
    await page.waitForFunction((id) => !document.querySelector(`[data-generation-id="${id}"]`), doomed.id, {
      timeout: 5000,
    });
    await page.close();
  });

  it('swaps in a finished chain part with its "Part N" chip and stars in place of the older part, as the page renders it after a reload', async () => {
    const [first] = await insertChain(data, sample, ['A paper boat sets sail on a puddle']);
    // As Extend does: the first part joins the chain named after it once a second part is asked for.
    await data.store.update(first!.id, { chainId: first!.id });
    data.clock.now += 1000;
    const running = await data.store.insert({
      source: 'replicate',
      requester: ada,
      model: 'minimax/video-01',
      prompt: 'The paper boat drifts into a storm drain',
      input: {},
      status: 'processing',
      origin: { kind: 'extend', generationId: first!.id },
      chainId: first!.id,
    });
    await favorites.set({ platform: 'slack', userId: 'u-bob' }, running.id, true);
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    watch(page);
    await page.goto(`${server.url}/?q=paper+boat`);
    const cardOf = (id: string) => page.locator(`[data-generation-id="${id}"]`);
    expect(await cardOf(running.id).getAttribute('data-running')).not.toBeNull();
    await expect.poll(() => listeners.size).toBe(1);
    const done = await attachMedia(data, sample, running.id);
    emit({ type: 'succeeded', generation: done, media: done.media! });
    await page.waitForSelector(`[data-generation-id="${running.id}"]:not([data-running]) img.card__poster`);
    const live = await cardOf(running.id).evaluate((element) => element.outerHTML);
    expect(live).toContain('Part 2 of 2');
    expect(live).toContain('★ 1');
    // The chain is its newest finished part now: the first part's card goes, as a reload shows.
    expect(await cardOf(first!.id).count()).toBe(0);
    const liveIds = () =>
      page.locator('.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-generation-id')));
    const shownLive = await liveIds();
    // The same card, server-rendered: the live one must not differ from what a reload shows.
    await page.reload();
    expect(await cardOf(running.id).evaluate((element) => element.outerHTML)).toBe(live);
    expect(await liveIds()).toEqual(shownLive);
    await page.close();
  });

  it("turns a group's member cards into the group's one card when it ends live, as the page renders it after a reload", async () => {
    // The festival's grid is composed after its last member's end is heard (as the group service
    // does); the regatta's was already composed when its last member's card is asked for.
    const festival = await startGroup('A lantern festival over a river');
    const regatta = await startGroup('A lantern regatta at dusk');
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    watch(page);
    await page.goto(`${server.url}/?q=lantern`);
    const cardOf = (id: string) => page.locator(`[data-generation-id="${id}"]`);
    // Running groups show their members as they are.
    for (const { done, running } of [festival, regatta])
      for (const member of [done, running]) expect(await cardOf(member.id).count()).toBe(1);
    // The stream subscribes to generations and to group ends in one step.
    await expect.poll(() => listeners.size).toBe(1);

    // The festival's last member ends: its own card, finished, while the grid is composed.
    const festivalLast = await attachMedia(data, sample, festival.running.id);
    emit({ type: 'succeeded', generation: festivalLast, media: festivalLast.media! });
    await page.waitForSelector(
      `[data-generation-id="${festival.running.id}"]:not([data-running]) img.card__poster`,
    );
    expect(await cardOf(festival.done.id).count()).toBe(1);
    const festivalGroup = await finishGroupWithMedia(data, sample, groups, festival.group.id);
    emitGroup({
      type: 'finished',
      group: festivalGroup,
      members: [(await data.store.get(festival.done.id))!, festivalLast],
    });
    await page.waitForSelector(`[data-group-id="${festival.group.id}"]`, { timeout: 5000 });

    // The regatta's grid is kept before its last member's end reaches the page.
    await finishGroupWithMedia(data, sample, groups, regatta.group.id);
    const regattaLast = await attachMedia(data, sample, regatta.running.id);
    emit({ type: 'succeeded', generation: regattaLast, media: regattaLast.media! });
    await page.waitForSelector(`[data-group-id="${regatta.group.id}"]`, { timeout: 5000 });

    const live = await cardEntries(page);
    // One card per group, where its newest member was; no member card is left.
    expect(live.map(([id]) => id)).toEqual([regatta.group.id, festival.group.id]);
    // The same cards, server-rendered: what the live page shows is what a reload shows.
    await page.reload();
    expect(await cardEntries(page)).toEqual(live);
    await page.close();
  });

  it("turns a group into its one card on a page that polls, and leaves a failed group's clips as they are", async () => {
    // The same store served without live events: the page asks again every two seconds.
    const polling = await startTestServer(data, { favorites, groups });
    const finished = await startGroup('A kite race on the beach');
    const failed = await startGroup('A kite festival in the rain');
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    watch(page);
    try {
      await page.goto(`${polling.url}/?q=kite`);
      expect(await page.locator('body').getAttribute('data-live')).toBe('poll');
      await attachMedia(data, sample, finished.running.id);
      await finishGroupWithMedia(data, sample, groups, finished.group.id);
      await data.store.update(failed.running.id, { status: 'failed', error: 'GPU out of memory' });
      await groups.transition(failed.group.id, ['running'], { status: 'failed', error: 'No grid.' });
      await page.waitForSelector(`[data-group-id="${finished.group.id}"]`, { timeout: 10_000 });
      // The failed group's clips stay, no longer waiting on it.
      await page.waitForFunction(() => !document.querySelector('[data-pending-group]'), undefined, {
        timeout: 10_000,
      });
      const live = await cardEntries(page);
      expect(live.map(([id]) => id)).toEqual([failed.running.id, failed.done.id, finished.group.id]);
      await page.reload();
      expect(await cardEntries(page)).toEqual(live);
    } finally {
      await page.close();
      await polling.close();
    }
  });

  it('opens a detail page and plays the video, seeking with ranges', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'dark' });
    watch(page);
    await page.goto(server.url);
    await page.click(`[data-generation-id="${seeded.fox.id}"] a`);
    await page.waitForURL(new RegExp(`/g/${seeded.fox.id}$`));
    const video = page.locator('video.player__video');
    expect(await video.getAttribute('poster')).toBe(`/media/${seeded.fox.id}/poster`);
    expect(await page.locator('a[download]').getAttribute('download')).toBe(
      `reelbot-minimax-video-01-${seeded.fox.id}.mp4`,
    );
    await video.evaluate((element: HTMLVideoElement) => {
      element.muted = true;
      return element.play();
    });
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5);
    await video.evaluate((element: HTMLVideoElement) => element.pause());
    await page.screenshot({ path: path.join(artifacts, 'detail.png'), fullPage: true });

    const seeked = await video.evaluate(
      (element: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          element.addEventListener('seeked', () => resolve(element.currentTime), { once: true });
          element.currentTime = 1.5;
        }),
    );
    expect(seeked).toBeCloseTo(1.5, 1);

    await page.goto(`${server.url}/g/${seeded.failed.id}`);
    await page.screenshot({ path: path.join(artifacts, 'detail-failed.png'), fullPage: true });
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await browser.newPage({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      colorScheme: 'dark',
    });
    watch(page);
    await page.goto(server.url);
    // Posters below the fold are lazy; wait for the ones on screen.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('img.card__poster'))
        .filter((img) => img.getBoundingClientRect().top < window.innerHeight)
        .every((img) => img.complete && img.naturalWidth > 0),
    );
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // A card clips what is wider than itself, so text running past its edge is cut off unseen.
    const cutOff = await page.locator('.card').evaluateAll((cards) =>
      cards.flatMap((card) => {
        const edge = card.getBoundingClientRect().right;
        return Array.from(card.querySelectorAll('.card__body *'))
          .filter((element) => element.getBoundingClientRect().right > edge + 0.5)
          .map((element) => `${card.getAttribute('data-generation-id')} ${element.className}`);
      }),
    );
    expect(cutOff).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'gallery-phone.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: path.join(artifacts, 'gallery-phone-light.png') });
    await page.goto(`${server.url}/g/${seeded.fox.id}`);
    await page.screenshot({ path: path.join(artifacts, 'detail-phone.png'), fullPage: true });
    await page.close();
  });

  it('raised no console errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
