import { describe, expect, it } from 'vitest';
import { createWorkLimit } from '../../../../src/core/media/work-limit.js';

describe('work limit', () => {
  it('runs at most n at once, in order, and frees a slot when work fails', async () => {
    const limit = createWorkLimit(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const job = (n: number) =>
      limit.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(n);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        if (n === 1) throw new Error('boom');
        return n;
      });
    const results = [1, 2, 3, 4].map((n) => job(n).catch((e: Error) => e.message));
    while (order.length < 4) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    for (const release of releases) release();
    expect(await Promise.all(results)).toEqual(['boom', 2, 3, 4]);
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4]);
  });
});
