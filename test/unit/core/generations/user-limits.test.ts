import { describe, expect, it } from 'vitest';
import { LimitError } from '../../../../src/core/errors.js';
import { assertUnderUserCap, createAdmissionQueue } from '../../../../src/core/generations/user-limits.js';

describe('admission queue', () => {
  it('admits up to the global limit, then queues first in first out', () => {
    const queue = createAdmissionQueue({ total: 2 });
    expect(queue.push('a')).toBe(0);
    expect(queue.push('b')).toBe(0);
    expect(queue.push('c')).toBe(1);
    expect(queue.push('d')).toBe(2);
    expect(queue.position('d')).toBe(2);
    expect(queue.release('a')).toEqual(['c']);
    expect(queue.position('c')).toBe(0);
    expect(queue.position('d')).toBe(1);
  });

  it('lets resumed work take a slot at once, above the limit, and drops a waiting entry on release', () => {
    const queue = createAdmissionQueue({ total: 1 });
    queue.push('a');
    expect(queue.push('b')).toBe(1);
    expect(queue.push('resumed', { admitted: true })).toBe(0);
    expect(queue.running).toBe(2);
    expect(queue.release('b')).toEqual([]);
    expect(queue.waiting()).toEqual([]);
    expect(queue.release('a')).toEqual([]);
  });

  it('holds a person past their limit in line, in their order, without holding up anyone else', () => {
    const queue = createAdmissionQueue({ total: 3, perUser: 1 });
    expect(queue.push('ann-1', { owner: 'ann' })).toBe(0);
    expect(queue.push('ann-2', { owner: 'ann' })).toBe(1);
    expect(queue.push('ann-3', { owner: 'ann' })).toBe(2);
    expect(queue.place('ann-2')).toEqual({ position: 1, ownAhead: 1 });
    expect(queue.place('ann-3')).toEqual({ position: 2, ownAhead: 2 });
    // Ben is not held by Ann's line.
    expect(queue.push('ben-1', { owner: 'ben' })).toBe(0);
    expect(queue.place('ben-1')).toBeUndefined();

    expect(queue.release('ann-1')).toEqual(['ann-2']);
    expect(queue.place('ann-3')).toEqual({ position: 1, ownAhead: 1 });
    expect(queue.release('ann-2')).toEqual(['ann-3']);
  });

  it('reports no own count when only the global limit holds an entry', () => {
    const queue = createAdmissionQueue({ total: 1, perUser: 2 });
    queue.push('ann-1', { owner: 'ann' });
    expect(queue.push('ben-1', { owner: 'ben' })).toBe(1);
    expect(queue.place('ben-1')).toEqual({ position: 1 });
  });

  it('takes past the running limit up to the queue cap, then refuses in plain words', () => {
    const limits = { perUser: 2, queuedPerUser: 5 };
    expect(() => assertUnderUserCap(6, limits, 'u')).not.toThrow();
    const error = (() => {
      try {
        assertUnderUserCap(7, limits, 'u');
      } catch (e) {
        return e;
      }
    })() as LimitError;
    expect(error).toBeInstanceOf(LimitError);
    expect(error.userMessage).toMatch(/already have 7 videos in progress or waiting/);
    expect(() => assertUnderUserCap(1, { perUser: 1, queuedPerUser: 0 }, 'u')).toThrow(/cap 1/);
  });
});
