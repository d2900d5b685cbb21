import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createLinkSigner } from '../../../src/core/access/link-token.js';
import { createFavorites } from '../../../src/core/store/index.js';
import {
  ada,
  adminToken,
  closeTestServer,
  createTestData,
  linkAccess,
  makeSampleMedia,
  seedGallery,
  startTestServer,
  type TestData,
} from '../../support/web-gallery.js';

let data: TestData;
let server: Awaited<ReturnType<typeof startTestServer>>;
let signer: ReturnType<typeof createLinkSigner>;
let ids: { fox: string; boxes: string; failed: string; dm: string; dmOther: string };

beforeAll(async () => {
  data = createTestData({ private: true });
  const seeded = await seedGallery(data, await makeSampleMedia());
  const dm = { platform: 'discord' as const, userId: ada.userId, userName: 'Ada' };
  const mine = await data.store.insert({ source: 'replicate', requester: dm, model: 'm/a', input: {} });
  const other = await data.store.insert({ source: 'replicate', requester: dm, model: 'm/a', input: {} });
  ids = {
    fox: seeded.fox.id,
    boxes: seeded.boxes.id,
    failed: seeded.failed.id,
    dm: mine.id,
    dmOther: other.id,
  };
  const favorites = createFavorites(data.db);
  const adaFan = { platform: 'discord' as const, userId: ada.userId };
  await favorites.set(adaFan, ids.fox, true);
  await favorites.set(adaFan, ids.dm, true);
  await favorites.set({ platform: 'slack', userId: 'u-bob' }, ids.boxes, true);
  // Two more people of server w1 like its older failed clip: the most favorited of that server.
  for (const userId of ['u-cy', 'u-dee'])
    await favorites.set({ platform: 'discord', userId }, ids.failed, true);
  const access = linkAccess(data);
  signer = access.signer;
  server = await startTestServer(data, { favorites, access });
});
afterAll(() => closeTestServer(server, data));

const listed = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}${path}`, { headers });
  return {
    status: response.status,
    ids: response.ok ? ((await response.json()).items as { id: string }[]).map((g) => g.id) : [],
  };
};

describe('the gallery filtered on favorites', () => {
  it("lets the operator name anyone's favorites", async () => {
    const signIn = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ token: adminToken }),
      redirect: 'manual',
    });
    const operator = { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0]! };
    expect((await listed('/api/generations?favorites=discord:u-ada', operator)).ids.sort()).toEqual(
      [ids.fox, ids.dm].sort(),
    );
    expect((await listed('/api/generations?favorites=slack:u-bob', operator)).ids).toEqual([ids.boxes]);
    expect((await listed('/api/generations?favorites=nobody', operator)).status).toBe(400);
  });

  it("lets a person's own DM gallery link show their favorites, and no one else's", async () => {
    const key = signer.sign({ place: { kind: 'dm', platform: 'discord', userId: ada.userId } });
    expect((await listed(`/api/generations?key=${key}`)).ids.sort()).toEqual([ids.dm, ids.dmOther].sort());
    expect((await listed(`/api/generations?favorites=mine&key=${key}`)).ids).toEqual([ids.dm]);
    expect((await listed(`/api/generations?favorites=discord:u-ada&key=${key}`)).ids).toEqual([ids.dm]);
    expect((await listed(`/api/generations?favorites=slack:u-bob&key=${key}`)).status).toBe(400);
  });

  it('shows a star count on each card, and a chip that clears the filter', async () => {
    const key = signer.sign({ place: { kind: 'dm', platform: 'discord', userId: ada.userId } });
    const page = await (await fetch(`${server.url}/?favorites=mine&key=${key}`)).text();
    const cards = page.split('<li class="card').slice(1);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain(`data-generation-id="${ids.dm}"`);
    expect(cards[0]).toContain('★ 1');
    expect(page).toContain('Favorites only');
    expect(page).toMatch(
      /href="\/\?key=[^"]*"[^>]*aria-label="Show every video"|href="\/"[^>]*aria-label="Show every video"/,
    );
  });

  it("shows a server's shared link what anyone there favorited, most favorited first, without saying who", async () => {
    const key = signer.sign({ place: { kind: 'server', platform: 'discord', workspaceId: 'w1' } });
    // Two marks beat one; another server's favorites (boxes) and the DMs stay out.
    expect((await listed(`/api/generations?favorites=anyone&key=${key}`)).ids).toEqual([ids.failed, ids.fox]);
    expect((await listed(`/api/generations?favorites=anyone&q=fox&key=${key}`)).ids).toEqual([ids.fox]);

    const page = await (await fetch(`${server.url}/?favorites=anyone&key=${key}`)).text();
    const cards = page.split('<li class="card').slice(1);
    expect(cards.map((c) => /data-generation-id="([^"]+)"/.exec(c)?.[1])).toEqual([ids.failed, ids.fox]);
    expect(cards[0]).toContain('★ 2');
    expect(page).toContain('Favorited, most favorited first');
    expect(page).toMatch(/<option value="anyone" selected>Favorited<\/option>/);
    // Nobody's user id reaches the page.
    expect(page).not.toMatch(/u-cy|u-dee/);
  });

  it("refuses a server's shared link a person's favorites: who liked what is not the server's to see", async () => {
    const key = signer.sign({ place: { kind: 'server', platform: 'discord', workspaceId: 'w1' } });
    expect((await listed(`/api/generations?key=${key}`)).ids).toContain(ids.fox);
    expect((await listed(`/api/generations?favorites=discord:u-ada&key=${key}`)).status).toBe(400);
    expect((await listed(`/api/generations?favorites=mine&key=${key}`)).status).toBe(400);
  });
});
