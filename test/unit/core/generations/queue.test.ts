import { describe, expect, it } from 'vitest';
import { LimitError } from '../../../../src/core/errors.js';
import { assertUnderUserLimit, createAdmissionQueue } from '../../../../src/core/generations/queue.js';

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

  it('tells a user over the per-user limit in plain words', () => {
    expect(() => assertUnderUserLimit(1, 2, 'u')).not.toThrow();
    const error = (() => {
      try {
        assertUnderUserLimit(2, 2, 'u');
      } catch (e) {
        return e;
      }
    })() as LimitError;
    expect(error).toBeInstanceOf(LimitError);
    expect(error.userMessage).toMatch(/already have 2 videos in progress/);
  });
});
