import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createLinkSigner } from '../../../src/core/access/link-token.js';
import type { GenerationGroup } from '../../../src/core/generations/groups/types.js';
import type { Generation } from '../../../src/core/generations/types.js';
import { createGroupStore } from '../../../src/core/store/groups.js';
import {
  ada,
  attachMedia,
  closeTestServer,
  createTestData,
  insertGroupWithMedia,
  linkAccess,
  makeSampleMedia,
  startTestServer,
  type TestData,
  t1,
  w1,
} from '../../support/web-gallery.js';

// The compare is Ada's, in Discord server w1; Bob's workspace t1 must see nothing of it.

let data: TestData;
let sample: Awaited<ReturnType<typeof makeSampleMedia>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let signer: ReturnType<typeof createLinkSigner>;
let group: GenerationGroup;
let members: Generation[];
let alone: Generation;

beforeAll(async () => {
  sample = await makeSampleMedia();
  data = createTestData({ private: true });
  const groups = createGroupStore(data.db, () => data.clock.now);
  members = [];
  for (const model of ['tencent/hunyuan-video', 'lucataco/animate-diff']) {
    data.clock.now += 1000;
    const member = await data.store.insert({
      source: 'replicate',
      requester: ada,
      model,
      prompt: 'a lantern on a pier',
      input: { prompt: 'a lantern on a pier', seed: 7 },
    });
    members.push(await attachMedia(data, sample, member.id));
  }
  data.clock.now += 1000;
  alone = await attachMedia(
    data,
    sample,
    (
      await data.store.insert({
        source: 'replicate',
        requester: ada,
        model: 'minimax/video-01',
        prompt: 'alone',
        input: {},
      })
    ).id,
  );
  group = await insertGroupWithMedia(
    data,
    sample,
    groups,
    { kind: 'compare', requester: ada, prompt: 'a lantern on a pier', memberIds: members.map((m) => m.id) },
    { durationSeconds: 3 },
  );
  const access = linkAccess(data);
  signer = access.signer;
  server = await startTestServer(data, { groups, access });
});
afterAll(() => closeTestServer(server, data));

const get = (pathAndQuery: string, key?: string) =>
  fetch(`${server.url}${pathAndQuery}${key ? `${pathAndQuery.includes('?') ? '&' : '?'}key=${key}` : ''}`, {
    redirect: 'manual',
  });

describe('groups in the gallery', () => {
  it('shows a finished group as one card, its members folded into it', async () => {
    const html = await (await get('/', signer.sign({ place: w1 }))).text();
    for (const member of members) expect(html).not.toContain(`data-generation-id="${member.id}"`);
    expect(html).toContain(`data-generation-id="${alone.id}"`);
    const start = html.indexOf(`data-group-id="${group.id}"`);
    expect(start).toBeGreaterThan(-1);
    const card = html.slice(start, html.indexOf('</li>', start));
    expect(card).toContain(`href="/grp/${group.id}"`);
    expect(card).toContain('Compare · 2 models');
    expect(card).toContain(`src="/media/grp/${group.id}/poster"`);
    expect(card).toContain('0:03');
    // Once, not once per member.
    expect(html.split(`data-group-id="${group.id}"`)).toHaveLength(2);
  });

  it('plays the grid on the group page and links each clip, for whoever may see the place', async () => {
    const key = signer.sign({ place: w1 });
    const page = await get(`/grp/${group.id}`, key);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`src="/media/grp/${group.id}"`);
    for (const member of members) expect(html).toContain(`href="/g/${member.id}"`);
    const grid = await get(`/media/grp/${group.id}`, key);
    expect(grid.status).toBe(200);
    expect(grid.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await grid.arrayBuffer()).equals(fs.readFileSync(sample.video))).toBe(true);
    expect((await get(`/media/grp/${group.id}/poster`, key)).status).toBe(200);
    // Each clip's page links back to its comparison.
    const clip = await (await get(`/g/${members[0]!.id}`, key)).text();
    expect(clip).toContain(`One clip of <a href="/grp/${group.id}">Compare · 2 models</a>`);
  });

  it('shows nothing of the group without a link, with another place’s link, or with one clip’s link', async () => {
    const keys = {
      none: undefined,
      'another place': signer.sign({ place: t1 }),
      'one clip': signer.sign({ place: w1, generationId: members[0]!.id }),
    };
    for (const [name, key] of Object.entries(keys))
      for (const url of [`/grp/${group.id}`, `/media/grp/${group.id}`, `/media/grp/${group.id}/poster`]) {
        const response = await get(url, key);
        expect(`${name} ${url}: ${response.status}`).toBe(`${name} ${url}: 404`);
        await response.arrayBuffer();
      }
    // A one-clip link opens the clip, but does not name the group it cannot open.
    const clip = await (await get(`/g/${members[0]!.id}`, keys['one clip'])).text();
    expect(clip).toContain(members[0]!.id);
    expect(clip).not.toContain(group.id);
    // Bob's workspace gallery lists no card of it either.
    const html = await (await get('/', signer.sign({ place: t1 }))).text();
    expect(html).not.toContain(group.id);
  });
});

describe('full gallery pages with groups', () => {
  it('folds the group in the query, so the first page holds 48 entries and the next the rest, none twice', async () => {
    // 47 older clips: with the group's two members and `alone`, 50 generations make 49 entries.
    const now = data.clock.now;
    data.clock.now = 1_000;
    const older: string[] = [];
    for (let i = 0; i < 47; i++) {
      data.clock.now += 10;
      older.push(
        (
          await data.store.insert({
            source: 'replicate',
            requester: ada,
            model: 'm/x',
            prompt: `old ${i}`,
            input: {},
          })
        ).id,
      );
    }
    data.clock.now = now;
    const key = signer.sign({ place: w1 });
    const entriesOf = (html: string) =>
      [...html.matchAll(/<li class="card[^"]*" data-(?:generation|group)-id="([^"]+)"/g)].map(
        (match) => match[1]!,
      );

    const first = await (await get('/', key)).text();
    const firstEntries = entriesOf(first);
    expect(firstEntries).toHaveLength(48);
    expect(firstEntries.slice(0, 2)).toEqual([alone.id, group.id]);
    const next = first.match(/rel="next" href="\/\?after=([^"&]+)"/)?.[1];
    expect(next).toBeDefined();
    const second = entriesOf(await (await get(`/?after=${next}`, key)).text());
    expect(second).toEqual([older[0]]);
    expect(new Set([...firstEntries, ...second]).size).toBe(49);
  });
});
