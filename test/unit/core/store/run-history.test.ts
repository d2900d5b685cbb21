import { describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../../../src/core/store/index.js';

describe('run history', () => {
  it("gives a model's newest successful run times, newest first, and nothing of failures or other models", () => {
    let now = 1_000;
    const store = createGenerationStore(openDatabase(':memory:'), () => now++);
    const run = (model: string, seconds: number, status: 'succeeded' | 'failed' = 'succeeded') => {
      const g = store.insert({
        source: 'replicate',
        requester: { platform: 'discord', userId: 'u1' },
        model,
        input: {},
      });
      store.recordPredictTime(g.id, seconds);
      store.update(g.id, { status });
    };
    run('a/video', 10);
    run('a/video', 20);
    run('a/video', 99, 'failed');
    run('b/video', 5);
    run('a/video', 30);
    expect(store.recentPredictTimes('a/video', 20)).toEqual([30, 20, 10]);
    expect(store.recentPredictTimes('a/video', 2)).toEqual([30, 20]);
    expect(store.recentPredictTimes('c/video', 20)).toEqual([]);
  });
});
