import { describe, expect, it } from 'vitest';
import { createTicker } from '../../../../src/core/generations/ticker.js';
import { createManualClock } from '../chat/manual-clock.js';

describe('ticker', () => {
  it('ticks a generation after each quiet interval, not while other things are said, and stops when told', async () => {
    const manual = createManualClock(0);
    const ticks: [string, number][] = [];
    const ticker = createTicker({
      intervalMs: 8000,
      timers: manual.timers,
      // As the service does: a tick goes out as an event, which touches the count again.
      tick: (id) => {
        ticks.push([id, manual.clock()]);
        ticker.touch(id);
      },
    });
    ticker.touch('g1');
    await manual.advance(5000);
    ticker.touch('g1'); // progress at 5 s: the quiet time starts again
    await manual.advance(12_000);
    expect(ticks).toEqual([['g1', 13_000]]);
    await manual.advance(8000);
    expect(ticks).toEqual([
      ['g1', 13_000],
      ['g1', 21_000],
    ]);
    ticker.forget('g1');
    await manual.advance(30_000);
    expect(ticks).toHaveLength(2);
    ticker.touch('g2');
    ticker.close();
    expect(manual.pending).toBe(0);
    ticker.touch('g3');
    expect(manual.pending).toBe(0);
  });
});
