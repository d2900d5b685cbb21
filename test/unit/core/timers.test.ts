import { describe, expect, it } from 'vitest';
import { within } from '../../../src/core/timers.js';
import { createManualClock } from './chat/manual-clock.js';

describe('within', () => {
  it('gives the value of a promise that settles in time, and clears its timer', async () => {
    const time = createManualClock();
    await expect(within(Promise.resolve('model'), 2000, time.timers)).resolves.toBe('model');
    expect(time.pending).toBe(0);
  });

  it('gives undefined once the time is up, and the late promise keeps running', async () => {
    const time = createManualClock();
    let finish: (value: string) => void = () => {};
    const slow = new Promise<string>((resolve) => (finish = resolve));
    const answer = within(slow, 2000, time.timers);
    await time.advance(2000);
    await expect(answer).resolves.toBeUndefined();
    finish('late');
    await expect(slow).resolves.toBe('late');
  });

  it('passes on a rejection that comes in time', async () => {
    const time = createManualClock();
    await expect(within(Promise.reject(new Error('no such model')), 2000, time.timers)).rejects.toThrow(
      'no such model',
    );
    expect(time.pending).toBe(0);
  });
});
