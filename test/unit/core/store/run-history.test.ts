import { describe, expect, it } from 'vitest';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

describe.each(storeEngines())('run history on $name', (engine) => {
  it("gives a model's newest successful run times, newest first, and nothing of failures or other models", async () => {
    let now = 1_000;
    const store = (await freshStore(engine, () => now++)).generations;
    const run = async (model: string, seconds: number, status: 'succeeded' | 'failed' = 'succeeded') => {
      const g = await store.insert({
        source: 'replicate',
        requester: { platform: 'discord', userId: 'u1' },
        model,
        input: {},
      });
      await store.recordPredictTime(g.id, seconds);
      await store.update(g.id, { status });
    };
    await run('a/video', 10);
    await run('a/video', 20);
    await run('a/video', 99, 'failed');
    await run('b/video', 5);
    await run('a/video', 30);
    expect(await store.recentPredictTimes('a/video', 20)).toEqual([30, 20, 10]);
    expect(await store.recentPredictTimes('a/video', 2)).toEqual([30, 20]);
    expect(await store.recentPredictTimes('c/video', 20)).toEqual([]);
  });
});
