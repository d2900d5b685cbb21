import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinkSecret } from '../../../src/core/access/link-secret.js';
import { createLinkSigner } from '../../../src/core/access/link-token.js';
import type { Place } from '../../../src/core/access/place.js';
import type { GenerationGroup } from '../../../src/core/generations/groups/types.js';
import type { Generation } from '../../../src/core/generations/types.js';
import { createGroupStore } from '../../../src/core/store/groups.js';
import { createOperatorSessions } from '../../../src/web/operator-sessions.js';
import {
  ada,
  attachMedia,
  createTestData,
  makeSampleMedia,
  removeTempDirs,
  startTestServer,
  type TestData,
} from './fixture.js';

// Ada's chain and batch are in Discord server w1, a private gallery; Slack workspace t1 must see
// neither, nor their joined or grid video. The batch's prompt was flagged in an age-restricted category.
const w1: Place = { kind: 'server', platform: 'discord', workspaceId: 'w1' };
const t1: Place = { kind: 'server', platform: 'slack', workspaceId: 't1' };

let data: TestData;
let server: Awaited<ReturnType<typeof startTestServer>>;
let signer: ReturnType<typeof createLinkSigner>;
let chain: Generation[];
let group: GenerationGroup;

beforeAll(async () => {
  const sample = await makeSampleMedia();
  data = createTestData({ private: true });
  const groups = createGroupStore(data.db, () => data.clock.now);

  chain = [];
  for (const prompt of ['a kite rises', 'the kite meets a gull']) {
    data.clock.now += 1000;
    const previous = chain.at(-1);
    const part = await data.store.insert({
      source: 'replicate',
      requester: ada,
      model: 'minimax/video-01',
      prompt,
      input: { prompt },
      ...(previous
        ? { origin: { kind: 'extend' as const, generationId: previous.id }, chainId: chain[0]!.id }
        : {}),
    });
    chain.push(await attachMedia(data, sample, part.id));
  }
  const joinedPath = `media/${chain[1]!.id}.joined.mp4`;
  fs.copyFileSync(sample.video, path.join(data.dataDir, joinedPath));
  const joined = { path: joinedPath, sha256: 'x', bytes: fs.statSync(sample.video).size, mime: 'video/mp4' };
  await data.store.update(chain[1]!.id, { joinedMedia: joined });

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
  const inserted = await groups.insert({
    kind: 'batch',
    requester: ada,
    prompt: 'a boudoir still life',
    memberIds: members.map((m) => m.id),
  });
  const gridPath = `media/${inserted.id}.mp4`;
  const posterPath = `media/${inserted.id}.poster.jpg`;
  fs.copyFileSync(sample.video, path.join(data.dataDir, gridPath));
  fs.copyFileSync(sample.poster, path.join(data.dataDir, posterPath));
  await groups.transition(inserted.id, ['running'], {
    status: 'succeeded',
    media: {
      path: gridPath,
      posterPath,
      sha256: 'x',
      bytes: fs.statSync(sample.video).size,
      mime: 'video/mp4',
    },
  });
  group = (await groups.get(inserted.id))!;
  signer = createLinkSigner({ secret: loadLinkSecret(data.config), clock: () => data.clock.now });
  server = await startTestServer(data, {
    groups,
    access: { signer, sessions: createOperatorSessions({ clock: () => data.clock.now }) },
  });
});
afterAll(async () => {
  await server?.close();
  data?.db.close();
  removeTempDirs();
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
});
