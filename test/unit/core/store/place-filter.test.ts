import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Place, placeKey, placeOf } from '../../../../src/core/access/place.js';
import type { Requester } from '../../../../src/core/generations/types.js';
import { createGenerationStore, openDatabase } from '../../../../src/core/store/index.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-place-'));
const db = openDatabase(dataDir);
afterAll(() => {
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const requesters: Requester[] = [
  { platform: 'discord', workspaceId: 'G1', channelId: 'C1', userId: 'U1' },
  { platform: 'discord', workspaceId: 'G2', channelId: 'C2', userId: 'U1' },
  { platform: 'discord', channelId: 'DM1', userId: 'U1' },
  { platform: 'discord', channelId: 'DM2', userId: 'U2' },
  { platform: 'slack', workspaceId: 'G1', channelId: 'C1', userId: 'U1' },
  { platform: 'slack', workspaceId: 'T1', channelId: 'C9', userId: 'U1' },
  { platform: 'slack', workspaceId: 'T1', channelId: 'D9', userId: 'U1' },
  { platform: 'slack', workspaceId: 'T1', channelId: 'D8', userId: 'U2' },
  { platform: 'cli', userId: 'me' },
  { platform: 'web', userId: 'admin' },
];

describe("the store's place filter", () => {
  it('lists exactly the rows placeOf puts in each place', async () => {
    const store = createGenerationStore(db);
    const rows = await Promise.all(
      requesters.map((requester) =>
        store.insert({ source: 'replicate', requester, model: 'm/x', prompt: 'p', input: {} }),
      ),
    );
    const places = new Map<string, Place>(requesters.map((r) => [placeKey(placeOf(r)), placeOf(r)]));
    // Servers of the same id on two platforms, DMs of one person on two platforms, and a Slack DM
    // inside a workspace are all told apart.
    expect(places.size).toBe(9);
    for (const [key, place] of places) {
      const listed = (await store.list({ place }, { limit: 200 })).items.map((g) => g.id);
      const expected = rows.filter((g) => placeKey(placeOf(g.requester)) === key).map((g) => g.id);
      expect(listed.sort(), key).toEqual(expected.sort());
    }
  });
});
