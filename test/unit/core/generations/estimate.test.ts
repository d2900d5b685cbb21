import { describe, expect, it } from 'vitest';
import {
  formatRemaining,
  median,
  remainingMs,
  typicalRunOf,
} from '../../../../src/core/generations/estimate.js';

describe('time-left estimate', () => {
  it('takes the median of recent run times, so one cold start does not move it', () => {
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(typicalRunOf([40, 41, 39, 600])).toEqual({ ms: 40_500, runs: 4 });
    expect(typicalRunOf([0, Number.NaN])).toBeUndefined();
  });

  it('uses the typical run, the pace of the percent, or both weighted by the percent', () => {
    const typical = { ms: 100_000, runs: 5 };
    expect(remainingMs({ now: 10, typical })).toBeUndefined();
    expect(remainingMs({ startedAt: 0, now: 30_000, typical })).toBe(70_000);
    // 50% after 30 s: the pace says 30 s more.
    expect(remainingMs({ startedAt: 0, now: 30_000, percent: 50 })).toBe(30_000);
    // Both: halfway between 30 s (pace) and 70 s (history) at 50%.
    expect(remainingMs({ startedAt: 0, now: 30_000, percent: 50, typical })).toBe(50_000);
    // A percent that low says nothing yet.
    expect(remainingMs({ startedAt: 0, now: 30_000, percent: 5 })).toBeUndefined();
  });

  it('reads as a person would say it', () => {
    expect(formatRemaining(undefined)).toBeUndefined();
    expect(formatRemaining(400)).toBeUndefined();
    expect(formatRemaining(1_500)).toBe('about 5 s left');
    expect(formatRemaining(41_000)).toBe('about 40 s left');
    expect(formatRemaining(59_000)).toBe('about 1 min left');
    expect(formatRemaining(185_000)).toBe('about 3 min left');
    expect(formatRemaining(2 * 3600_000)).toBe('about 2 h left');
  });
});
