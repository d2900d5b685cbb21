import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinkSecret } from '../../../src/core/access/link-secret.js';
import { createLinkSigner, linkLifetimeMs } from '../../../src/core/access/link-token.js';
import type { Place } from '../../../src/core/access/place.js';
import { type DeleteBy, deleteGeneration } from '../../../src/core/generations/delete.js';
import type { GenerationGroup, GroupListener } from '../../../src/core/generations/groups/types.js';
import type { GenerationListener } from '../../../src/core/generations/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createMediaStorage } from '../../../src/core/media/configured-storage.js';
import { createRevokedLinks } from '../../../src/core/store/index.js';
import { createOperatorSessions } from '../../../src/web/operator-sessions.js';
import {
  ada,
  adminToken,
  closeTestServer,
  createTestData,
  makeSampleMedia,
  seedGallery,
  startTestServer,
  type TestData,
  t1,
  w1,
} from '../../support/web-gallery.js';

// fox is Ada's, in Discord server w1; boxes is Bob's, in Slack workspace t1.

let data: TestData;
let seeded: Awaited<ReturnType<typeof seedGallery>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let signer: ReturnType<typeof createLinkSigner>;
let revoked: ReturnType<typeof createRevokedLinks>;
const sessions = createOperatorSessions({ clock: () => data.clock.now });
const listeners = new Set<GenerationListener>();
const events = {
  subscribe(listener: GenerationListener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
const groupListeners = new Set<GroupListener>();
const groupEvents = {
  subscribe(listener: GroupListener) {
    groupListeners.add(listener);
    return () => groupListeners.delete(listener);
  },
};

beforeAll(async () => {
  const sample = await makeSampleMedia();
  data = createTestData({ private: true });
  seeded = await seedGallery(data, sample);
  revoked = createRevokedLinks(data.db, () => data.clock.now);
  signer = createLinkSigner({
    secret: loadLinkSecret(data.config),
    clock: () => data.clock.now,
    isRevoked: revoked.isRevoked,
  });
  // The core's own delete; every seeded video this file deletes has ended, so nothing is canceled.
  const service = {
    delete: (id: string, by: DeleteBy) =>
      deleteGeneration(
        {
          store: data.store,
          storage: createMediaStorage(data.config),
          logger: silentLogger(),
          cancel: () => Promise.reject(new Error('nothing here is running')),
        },
        id,
        by,
      ),
  };
  server = await startTestServer(data, { events, groupEvents, service, access: { signer, sessions } });
});
afterAll(() => closeTestServer(server, data));

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
const withKey = (path: string, key: string) => `${path}${path.includes('?') ? '&' : '?'}key=${key}`;

/** Every kind of URL that shows something of fox, Ada's video in w1. */
const foxUrls = () => {
  const id = seeded.fox.id;
  return [
    `/g/${id}`,
    `/g/${id}/card`,
    `/api/generations/${id}`,
    `/media/${id}`,
    `/media/${id}/poster`,
    `/media/${id}?download=1`,
  ];
};

/** Keys that must open nothing of w1. */
function badKeys(): Record<string, string | undefined> {
  const good = signer.sign({ place: w1 });
  const [payload, signature] = good.split('.') as [string, string];
  const tamperedPayload = Buffer.from(
    Buffer.from(payload, 'base64url').toString().replace('discord:w1', 'discord:w2'),
  ).toString('base64url');
  const past = createLinkSigner({
    secret: loadLinkSecret(data.config),
    clock: () => data.clock.now - linkLifetimeMs - 1000,
  });
  return {
    'no signature': undefined,
    'a tampered place': `${tamperedPayload}.${signature}`,
    'a tampered signature': `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
    'an expired link': past.sign({ place: w1 }),
    "another place's link": signer.sign({ place: t1 }),
    "another video's link": signer.sign({ place: t1, generationId: seeded.boxes.id }),
  };
}

describe('without a valid signature', () => {
  it.each([
    'no signature',
    'a tampered place',
    'a tampered signature',
    'an expired link',
    "another place's link",
    "another video's link",
  ])('pages and media give 404, the API lists nothing: %s', async (name) => {
    const key = badKeys()[name];
    for (const url of foxUrls()) {
      const response = await get(key ? withKey(url, key) : url);
      expect(response.status, `${name}: ${url}`).toBe(404);
      expect(await response.text()).not.toContain('red fox');
    }
    const list = await get(key ? withKey('/api/generations', key) : '/api/generations');
    const ids = ((await list.json()) as { items: { id: string }[] }).items.map((item) => item.id);
    expect(ids).not.toContain(seeded.fox.id);
    const gallery = await get(key ? withKey('/', key) : '/');
    expect(await gallery.text()).not.toContain(seeded.fox.id);
  });

  it('a revoked link opens nothing any more', async () => {
    // Links signed in the same second for the same thing are the same link: revoke a later one.
    data.clock.now += 1000;
    const key = signer.sign({ place: w1, generationId: seeded.fox.id });
    data.clock.now -= 1000;
    expect((await get(withKey(`/g/${seeded.fox.id}`, key))).status).toBe(200);
    const check = await signer.verify(key);
    if (!check.ok) throw new Error('expected a good key');
    await revoked.revoke(check.signature, check.claims.expiresAt);
    expect((await get(withKey(`/g/${seeded.fox.id}`, key))).status).toBe(404);
  });
});

describe('a signed link', () => {
  it("to a server's gallery shows that server's videos and media, and no other's", async () => {
    const key = signer.sign({ place: w1 });
    const page = await (await get(withKey('/', key))).text();
    expect(page).toContain(seeded.fox.id);
    expect(page).toContain(seeded.failed.id);
    expect(page).not.toContain(seeded.boxes.id);
    for (const url of foxUrls()) expect((await get(withKey(url, key))).status, url).toBe(200);
    expect((await get(withKey(`/g/${seeded.boxes.id}`, key))).status).toBe(404);
    expect((await get(withKey(`/media/${seeded.boxes.id}`, key))).status).toBe(404);
    const api = (await (await get(withKey('/api/generations', key))).json()) as {
      items: { id: string; media?: { url: string } }[];
    };
    expect(api.items.map((item) => item.id).sort()).toEqual([seeded.fox.id, seeded.failed.id].sort());
    // The API's media URLs are signed too, so they open on their own.
    const mediaUrl = api.items.find((item) => item.id === seeded.fox.id)!.media!.url;
    expect(mediaUrl).toContain('key=');
    expect((await get(mediaUrl)).status).toBe(200);
  });

  it("to a server's gallery names only the models of that server's videos, in the filter and the API", async () => {
    const modelsOn = async (path: string, headers: Record<string, string> = {}) => {
      const page = await (await get(path, headers)).text();
      const select = /<select name="model"[\s\S]*?<\/select>/.exec(page)![0];
      return [...select.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
    };
    // fox and the failed lighthouse are w1's; boxes (physics) only t1's; minimax/video-01 is in both.
    expect(await modelsOn(withKey('/', signer.sign({ place: w1 })))).toEqual([
      'minimax/video-01',
      'wan-video/wan-2.2-t2v-fast',
    ]);
    expect(await modelsOn(withKey('/', signer.sign({ place: t1 })))).toEqual(['minimax/video-01', 'physics']);
    // The operator sees every place, so every model.
    const signIn = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ token: adminToken }),
      redirect: 'manual',
    });
    const operator = { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0]! };
    expect(await modelsOn('/', operator)).toEqual([
      'minimax/video-01',
      'physics',
      'wan-video/wan-2.2-t2v-fast',
    ]);
    // The API has no list of models; filtered by one, it shows nothing of another place either.
    const api = (await (
      await get(withKey('/api/generations?model=physics', signer.sign({ place: w1 })))
    ).json()) as { items: unknown[] };
    expect(api.items).toEqual([]);
  });

  it('leaves a cookie, so the page it opened loads its media and live updates without the key', async () => {
    const key = signer.sign({ place: w1 });
    const response = await get(withKey('/', key));
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^reelbot_link=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    const jar = { cookie: cookie.split(';')[0]! };
    expect((await get(`/media/${seeded.fox.id}`, jar)).status).toBe(200);
    expect((await get(`/media/${seeded.boxes.id}`, jar)).status).toBe(404);
  });

  it('to one video opens that video and not the rest of its place', async () => {
    const key = signer.sign({ place: w1, generationId: seeded.fox.id });
    for (const url of foxUrls()) expect((await get(withKey(url, key))).status, url).toBe(200);
    expect((await get(withKey(`/g/${seeded.failed.id}`, key))).status).toBe(404);
    expect((await get(withKey('/', key))).status).toBe(404);
  });
});

/** A finished group of one generation's place, as the group service tells its end. */
const groupOf = (generation: typeof seeded.fox, id: string): GenerationGroup => ({
  id,
  kind: 'batch',
  requester: generation.requester,
  memberIds: [generation.id],
  status: 'succeeded',
  refused: [],
  createdAt: generation.createdAt,
  updatedAt: generation.createdAt,
});

/**
 * Opens /events, emits the ends of boxes' and fox's groups, then boxes' and fox's progress, and
 * returns what arrived before fox's progress did.
 */
function liveEvents(path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${server.url}${path}`, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve({ status: response.statusCode ?? 0, text: '' });
        return;
      }
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('retry:') && !text.includes('"progress"')) {
          // Subscribed: boxes goes first, so if it were let through it would arrive before fox.
          for (const [generation, id] of [
            [seeded.boxes, 'grp_boxes'],
            [seeded.fox, 'grp_fox'],
          ] as const)
            for (const listener of groupListeners)
              listener({ type: 'finished', group: groupOf(generation, id), members: [generation] });
          for (const generation of [seeded.boxes, seeded.fox])
            for (const listener of listeners) listener({ type: 'progress', generation, percent: 50 });
        }
        if (text.includes(`"id":"${seeded.fox.id}"`)) {
          request.destroy();
          resolve({ status: 200, text });
        }
      });
    });
    request.on('error', reject);
  });
}

describe('live updates', () => {
  it('carry only what the link may see, and nothing without one', async () => {
    expect((await liveEvents('/events')).status).toBe(404);
    const key = signer.sign({ place: w1 });
    const seen = await liveEvents(withKey('/events', key));
    expect(seen.text).toContain(seeded.fox.id);
    expect(seen.text).not.toContain(seeded.boxes.id);
    // A group's end too: the link's place's group, and not another place's.
    expect(seen.text).toContain('event: group\ndata: {"id":"grp_fox","status":"succeeded"}');
    expect(seen.text).not.toContain('grp_boxes');
  });
});

describe('the operator', () => {
  const cookieOf = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0]!;

  it('signs in with ADMIN_TOKEN, sees every place, and signing out ends it', async () => {
    const wrong = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ token: 'not-the-token-at-all' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const signIn = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ token: adminToken }),
      redirect: 'manual',
    });
    expect(signIn.status).toBe(303);
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    // Plain http here: Secure would stop the browser from sending it back.
    expect(setCookie).not.toMatch(/Secure/i);
    const jar = { cookie: cookieOf(signIn) };

    const page = await (await get('/', jar)).text();
    expect(page).toContain(seeded.fox.id);
    expect(page).toContain(seeded.boxes.id);
    expect((await get(`/media/${seeded.boxes.id}`, jar)).status).toBe(200);
    expect((await get('/api/admin/stats', jar)).status).toBe(200);

    const signOut = await fetch(`${server.url}/sign-out`, {
      method: 'POST',
      headers: jar,
      redirect: 'manual',
    });
    expect(signOut.status).toBe(303);
    expect(signOut.headers.get('set-cookie')).toMatch(/reelbot_session=;/);
    expect((await get('/', jar)).status).toBe(404);
    expect((await get('/api/admin/stats', jar)).status).toBe(401);
  });

  it('marks the session cookie Secure when PUBLIC_URL is https', async () => {
    const https = await startTestServer(
      { ...data, config: { ...data.config, publicUrl: 'https://gallery.example' } },
      { access: { signer, sessions } },
    );
    try {
      const signIn = await fetch(`${https.url}/sign-in`, {
        method: 'POST',
        body: new URLSearchParams({ token: adminToken }),
        redirect: 'manual',
      });
      expect(signIn.headers.get('set-cookie')).toMatch(/; Secure/i);
    } finally {
      await https.close();
    }
  });

  it("signs in once with the start command's link; the link does not work twice", async () => {
    const token = await sessions.issueSignInToken();
    const first = await get(`/sign-in?token=${token}`);
    expect(first.status).toBe(303);
    expect((await get('/', { cookie: cookieOf(first) })).status).toBe(200);
    const again = await get(`/sign-in?token=${token}`);
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
  });
});

describe('deleting on the web', () => {
  it('is refused to the holder of a link to one video, and done for the signed-in operator', async () => {
    const id = seeded.fox.id;
    const key = signer.sign({ place: w1, generationId: id });
    const opened = await get(withKey(`/g/${id}`, key));
    expect(opened.status).toBe(200);
    const linkCookie = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
    for (const headers of [{}, { cookie: linkCookie }] as Record<string, string>[]) {
      const refused = await fetch(`${server.url}${withKey(`/api/admin/generations/${id}`, key)}`, {
        method: 'DELETE',
        headers,
      });
      expect(refused.status).toBe(401);
    }
    expect(await data.store.get(id)).toBeDefined();

    const signIn = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ token: adminToken }),
      redirect: 'manual',
    });
    const operator = { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0]! };
    const deleted = await fetch(`${server.url}/api/admin/generations/${id}`, {
      method: 'DELETE',
      headers: operator,
    });
    expect(deleted.status).toBe(200);
    expect(await data.store.get(id)).toBeUndefined();
    expect((await get(`/media/${id}`, operator)).status).toBe(404);
    expect((await get(`/api/generations/${id}`, operator)).status).toBe(404);
  });
});

describe("a signed link's API pages", () => {
  it('carry the key in nextUrl, so a script that follows it gets the next page, neither empty nor shifted by new videos', async () => {
    const place: Place = { kind: 'server', platform: 'discord', workspaceId: 'w-paging' };
    const made: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      data.clock.now += 1000;
      const row = await data.store.insert({
        source: 'replicate',
        requester: { ...ada, workspaceId: place.workspaceId },
        model: 'minimax/video-01',
        prompt: `a paper lantern ${i}`,
        input: {},
      });
      made.push(row.id);
    }
    const key = signer.sign({ place });
    const seen: string[] = [];
    let url: string | null = withKey('/api/generations', key);
    while (url) {
      // No cookie: the key in the URL is all a script has.
      const page = (await (await get(url)).json()) as { items: { id: string }[]; nextUrl: string | null };
      seen.push(...page.items.map((item) => item.id));
      url = page.nextUrl;
      // Videos made while someone pages land before the first page: no later page repeats or skips one.
      if (seen.length === page.items.length) {
        data.clock.now += 1000;
        await data.store.insert({
          source: 'replicate',
          requester: { ...ada, workspaceId: place.workspaceId },
          model: 'minimax/video-01',
          prompt: 'a lantern made while paging',
          input: {},
        });
      }
    }
    expect(seen).toEqual(made.reverse());
  });
});
