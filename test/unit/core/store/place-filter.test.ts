import { describe, expect, it } from 'vitest';
import { type Place, placeKey, placeOf } from '../../../../src/core/access/place.js';
import type { Requester } from '../../../../src/core/generations/types.js';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

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

describe.each(storeEngines())("the store's place filter on $name", (engine) => {
  it('lists exactly the rows placeOf puts in each place', async () => {
    const store = (await freshStore(engine)).generations;
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
