import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../src/core/store/index.js';
import { buttonOf } from '../fakes/discord/buttons.js';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import { type ReelbotProcess, runReelbot } from '../support/reelbot-process.js';
import { launchChromium } from '../support/web-gallery.js';

const stage = createE2eStage('privacy');
const { dataDir } = stage;
let discord: FakeDiscord;
let replicate: FakeReplicate;
let reelbot: ReelbotProcess | undefined;
const ids = { ours: '', theirs: '' };

beforeAll(async () => {
  discord = await stage.use(startFakeDiscord());
  replicate = await stage.use(startFakeReplicate());
  // One video of the fake Discord's server, one of another server, both made before this start.
  const db = openDatabase(dataDir);
  const store = createGenerationStore(db);
  const made = async (workspaceId: string, prompt: string, model: string) =>
    (
      await store.insert({
        source: 'replicate',
        requester: { platform: 'discord', workspaceId, channelId: 'c1', userId: 'u1', userName: 'Ada' },
        model,
        prompt,
        input: { prompt },
        status: 'failed',
      })
    ).id;
  ids.ours = await made(discord.state.guildId, 'a kite over the dunes', 'minimax/video-01');
  // Made with a model only the other server used: even its name is not this server's to see.
  ids.theirs = await made('other-guild', 'a secret from next door', 'acme/next-door-model');
  db.close();
});
afterAll(() => stage.end());

/** The final edit of an interaction's status message: "Done", with the video attached. */
const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

const env = () => ({
  DATA_DIR: dataDir,
  PORT: '0',
  ...replicate.env,
  ...discord.env,
  BLOCKED_TERMS: 'gore',
});

describe('`reelbot start` keeps each server to its own videos', { timeout: 120_000 }, () => {
  it("answers /gallery privately with a signed link to this server's gallery (its own models in the filter, search, a running video turning live into the finished one, its next part into the chain's one card, and a batch's clips into the batch's one card); unsigned URLs are 404, a revoked link too", async () => {
    reelbot = await stage.start(env());
    const server = reelbot.url;

    const command = discord.sendCommand('gallery', []);
    const callback = (await discord.waitForCallback(command)).json;
    expect(callback.type).toBe(4);
    expect(callback.data.flags & 64).toBe(64);
    const link = new URL(/https?:\/\/\S+/.exec(callback.data.content)![0]);
    expect(link.searchParams.get('key')).toBeTruthy();

    // The link's host is PUBLIC_URL's (unset here: localhost and PORT=0): its path is what counts.
    const signed = await fetch(`${server}${link.pathname}${link.search}`);
    expect(signed.status).toBe(200);
    const page = await signed.text();
    expect(page).toContain(ids.ours);
    expect(page).not.toContain(ids.theirs);
    // The model filter names only the models of this server's videos.
    expect(page).toContain('<option value="minimax/video-01">');
    expect(page).not.toContain('acme/next-door-model');

    // Searching through the link keeps to the server, and odd or pasted text never errors.
    const search = async (q: string) => {
      const url = new URL(`${server}${link.pathname}${link.search}`);
      url.searchParams.set('q', q);
      const gallery = await fetch(url);
      url.pathname = '/api/generations';
      const api = await fetch(url);
      expect([gallery.status, api.status], q.slice(0, 40)).toEqual([200, 200]);
      return { html: await gallery.text(), ids: ((await api.json()) as { items: { id: string }[] }).items };
    };
    const kite = await search('kite');
    expect(kite.ids.map((item) => item.id)).toEqual([ids.ours]);
    expect((await search('secret')).html).toContain('Nothing found');
    for (const odd of ['"kite', '100%', '🪁 kite', `${'a pasted paragraph about a kite '.repeat(40)}`]) {
      const found = await search(odd);
      expect(found.html, odd.slice(0, 40)).not.toContain(ids.theirs);
    }
    expect((await search('🪁')).html).toContain('Nothing found');

    for (const unsigned of ['/', `/g/${ids.ours}`, `/api/generations/${ids.ours}`])
      expect((await fetch(`${server}${unsigned}`)).status, unsigned).toBe(404);
    const listed = (await (await fetch(`${server}/api/generations`)).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);

    // The operator's one-time sign-in link is on the terminal, and works once.
    const signIn = /(\S+\/sign-in\?token=\S+)/.exec(reelbot.stderr())![1]!;
    const signInPath = new URL(signIn).pathname + new URL(signIn).search;
    const first = await fetch(`${server}${signInPath}`, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    const everything = await (await fetch(`${server}/`, { headers: { cookie } })).text();
    expect(everything).toContain(ids.theirs);
    expect(everything).toContain('<option value="acme/next-door-model">');
    expect((await fetch(`${server}${signInPath}`, { redirect: 'manual' })).status).toBe(401);

    // A video asked for while the server's gallery is open shows as running, then as the finished
    // video, in a real browser and without a reload: the live card follows the process's events.
    replicate.state.predictions.configure('minimax/video-01', { manual: true });
    const lanternCommand = discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a lantern drifts over the dunes' },
    ]);
    const predictionOf = (prompt: string) => () =>
      [...replicate.state.predictions.predictions.values()].find(
        (entry) => entry.prediction.input?.prompt === prompt,
      );
    const lantern = predictionOf('a lantern drifts over the dunes');
    await expect.poll(lantern, { timeout: 30_000 }).toBeTruthy();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
      await page.goto(`${server}${link.pathname}${link.search}`);
      const card = page.locator('.card[data-running]', { hasText: 'a lantern drifts over the dunes' });
      await card.waitFor();
      const id = await card.getAttribute('data-generation-id');
      const entry = lantern()!;
      while (entry.prediction.status !== 'succeeded')
        replicate.state.predictions.advance(entry.prediction.id);
      await page.waitForSelector(`[data-generation-id="${id}"]:not([data-running]) img.card__poster`, {
        timeout: 30_000,
      });
      expect(await page.locator(`[data-generation-id="${id}"] [data-badge]`).textContent()).toBe('Done');

      // Extended, the lantern is a chain: its next part runs beside it, and when that part ends the
      // page shows the chain as the page itself would after a reload, its newest part alone with
      // its "Part 2 of 2" chip.
      const lanternDone = await discord.waitForCall(isFinalEdit(lanternCommand.token));
      const extendForm = (
        await discord.waitForCallback(
          discord.pressButton(lanternCommand.originalMessageId!, buttonOf(lanternDone, 'Extend').custom_id),
        )
      ).json.data;
      discord.submitModal(extendForm.custom_id, [
        { customId: 'prompt', value: 'the lantern rises over the sea' },
      ]);
      const rising = predictionOf('the lantern rises over the sea');
      await expect.poll(rising, { timeout: 30_000 }).toBeTruthy();
      await page.goto(`${server}${link.pathname}${link.search}`);
      const part = page.locator('.card[data-running]', { hasText: 'the lantern rises over the sea' });
      await part.waitFor();
      const partId = await part.getAttribute('data-generation-id');
      expect(await page.locator(`[data-generation-id="${id}"]`).count()).toBe(1);
      const risingEntry = rising()!;
      while (risingEntry.prediction.status !== 'succeeded')
        replicate.state.predictions.advance(risingEntry.prediction.id);
      await page.waitForSelector(`[data-generation-id="${partId}"]:not([data-running]) [data-chain]`, {
        timeout: 30_000,
      });
      expect(await page.locator(`[data-generation-id="${partId}"] [data-chain]`).textContent()).toBe(
        'Part 2 of 2',
      );
      expect(await page.locator(`[data-generation-id="${id}"]`).count()).toBe(0);

      // A batch shows its clips while they run; once both end and the grid is kept, the open page
      // shows the batch as one card, as a reload would, and no clip's card.
      discord.sendCommand('video', [
        { name: 'model', value: 'minimax/video-01' },
        { name: 'prompt', value: 'a caravan crosses the dunes' },
        { name: 'count', value: 2 },
      ]);
      const caravan = () =>
        [...replicate.state.predictions.predictions.values()].filter(
          (entry) => entry.prediction.input?.prompt === 'a caravan crosses the dunes',
        );
      await expect.poll(() => caravan().length, { timeout: 30_000 }).toBe(2);
      await page.goto(`${server}${link.pathname}${link.search}`);
      const clips = page.locator('.card[data-generation-id]', { hasText: 'a caravan crosses the dunes' });
      await expect.poll(() => clips.count(), { timeout: 30_000 }).toBe(2);
      for (const entry of caravan())
        while (entry.prediction.status !== 'succeeded')
          replicate.state.predictions.advance(entry.prediction.id);
      const batchCard = page.locator('.card[data-group-id]', { hasText: 'a caravan crosses the dunes' });
      await batchCard.waitFor({ timeout: 30_000 });
      expect(await batchCard.locator('[data-group]').textContent()).toBe('Batch · 2 seeds');
      expect(await clips.count()).toBe(0);
      const live = await batchCard.evaluate((element) => element.outerHTML);
      await page.reload();
      expect(await batchCard.evaluate((element) => element.outerHTML)).toBe(live);
    } finally {
      await browser.close();
      replicate.state.predictions.configure('minimax/video-01', {});
    }

    // One link revoked from the command line opens nothing in the running process.
    const revoke = await runReelbot(['revoke-link', link.href], { DATA_DIR: dataDir });
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(`discord:${discord.state.guildId}`);
    expect((await fetch(`${server}${link.pathname}${link.search}`)).status).toBe(404);

    // A refused request is on the operator's page, and only the operator sees that page.
    const predictions = replicate.state.predictions.predictions.size;
    discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a field of gore' },
    ]);
    await reelbot.waitForLine((line) => line.code === 'PROMPT_BLOCKED', 'the refusal');
    expect(replicate.state.predictions.predictions.size).toBe(predictions);
    const usage = (await (await fetch(`${server}/api/admin/usage`, { headers: { cookie } })).json()) as {
      days: unknown[];
      refusals: { code: string; count: number }[];
    };
    expect(usage.days).toHaveLength(30);
    expect(usage.refusals).toEqual([expect.objectContaining({ code: 'PROMPT_BLOCKED', count: 1 })]);
    const usagePage = await fetch(`${server}/admin/usage`, { headers: { cookie } });
    expect(usagePage.status).toBe(200);
    expect((await usagePage.text()).match(/<rect class="spend-chart__bar"/g)).toHaveLength(30);
    expect((await fetch(`${server}/admin/usage`)).status).toBe(404);

    // The operator deletes on the web through the core's delete: its audit line.
    const [audit, deleted] = await Promise.all([
      reelbot.waitForLine((line) => line.audit === 'delete', 'the audit line'),
      fetch(`${server}/api/admin/generations/${ids.theirs}`, { method: 'DELETE', headers: { cookie } }),
    ]);
    expect(deleted.status).toBe(200);
    expect(audit).toMatchObject({ generationId: ids.theirs, by: 'operator', admin: true });

    await reelbot.stop();
    reelbot = undefined;

    // The session is in the store: a restart on the same data keeps the operator signed in.
    reelbot = await stage.start(env());
    const again = await fetch(`${reelbot.url}/`, { headers: { cookie } });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(ids.ours);
    const out = await fetch(`${reelbot.url}/sign-out`, {
      method: 'POST',
      headers: { cookie },
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    expect((await fetch(`${reelbot.url}/`, { headers: { cookie } })).status).toBe(404);
    await reelbot.stop();
    reelbot = undefined;
  });
});
