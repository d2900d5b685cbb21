import { describe, expect, it } from 'vitest';
import { type Place, placeKey } from '../../../src/core/access/place.js';
import { cachedModels } from '../../../src/web/routes/gallery.js';

const w1: Place = { kind: 'server', platform: 'discord', workspaceId: 'w1' };
const t1: Place = { kind: 'server', platform: 'slack', workspaceId: 't1' };

/** A store stand-in that answers each place with its key and counts the reads. */
function countingStore() {
  const reads: string[] = [];
  let failNext = false;
  return {
    reads,
    failOnce() {
      failNext = true;
    },
    async models(place?: Place) {
      const key = place ? placeKey(place) : '*';
      reads.push(key);
      if (failNext) {
        failNext = false;
        throw new Error('database gone');
      }
      return [`model of ${key}`];
    },
  };
}

describe('the gallery filter models', () => {
  it("keeps each place's list apart, reads each at most once a TTL, and forgets a failed read", async () => {
    const clock = { now: 0 };
    const store = countingStore();
    const models = cachedModels(store, () => clock.now, 1000);
    expect(await models(w1)).toEqual(['model of discord:w1']);
    expect(await models(t1)).toEqual(['model of slack:t1']);
    expect(await models()).toEqual(['model of *']);
    expect(await models(w1)).toEqual(['model of discord:w1']);
    expect(store.reads).toEqual(['discord:w1', 'slack:t1', '*']);
    clock.now = 1001;
    store.failOnce();
    await expect(models(w1)).rejects.toThrow('database gone');
    expect(await models(w1)).toEqual(['model of discord:w1']);
    expect(store.reads).toEqual(['discord:w1', 'slack:t1', '*', 'discord:w1', 'discord:w1']);
  });

  it('keeps at most 256 places, dropping the one read longest ago', async () => {
    const store = countingStore();
    const models = cachedModels(store, () => 0, 1000);
    const place = (n: number): Place => ({ kind: 'dm', platform: 'slack', userId: `U${n}` });
    for (let n = 0; n <= 256; n += 1) await models(place(n));
    await models(place(1));
    await models(place(0));
    expect(store.reads.slice(257)).toEqual(['slack-dm:U0']);
  });
});
