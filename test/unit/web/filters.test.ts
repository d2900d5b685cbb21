import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import {
  decodeCursor,
  encodeCursor,
  parseListQuery,
  queryString,
  searchLength,
} from '../../../src/web/filters.js';

describe('list query', () => {
  it('round-trips the keyset cursor and refuses foreign tokens', () => {
    const cursor = { createdAt: 1736942400000, id: 'g_m5x1abc' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('garbage')).toBeUndefined();
    expect(decodeCursor(Buffer.from('1:../../etc').toString('base64url'))).toBeUndefined();
    // The favorited view's cursor leads with the row's favorite count.
    const favorited = { favorites: 3, createdAt: 1736942400000, id: 'g_m5x1abc' };
    expect(decodeCursor(encodeCursor(favorited))).toEqual(favorited);
    expect(decodeCursor(Buffer.from('3:1:../etc').toString('base64url'))).toBeUndefined();
  });

  it('maps query parameters to store filters, treating blanks as "any"', () => {
    const parsed = parseListQuery({ status: 'failed', model: '', platform: 'slack', q: ' fox ', user: 'U1' });
    expect(parsed.filter).toEqual({
      status: 'failed',
      model: undefined,
      platform: 'slack',
      source: undefined,
      userId: 'U1',
      search: 'fox',
    });
    expect(parsed.params).toEqual({ status: 'failed', platform: 'slack', q: 'fox', user: 'U1' });
    expect(queryString(parsed.params, { status: undefined, after: 'abc' })).toBe(
      '?platform=slack&user=U1&q=fox&after=abc',
    );
  });

  it('cuts a long search and reads a repeated one once, instead of refusing it', () => {
    const pasted = `  ${'a very long pasted prompt 🦊 "with quotes" and 100% '.repeat(20)}`;
    const parsed = parseListQuery({ q: pasted });
    expect(parsed.filter.search).toBe(pasted.trim().slice(0, searchLength));
    expect(parsed.params.q).toBe(parsed.filter.search);
    expect(parseListQuery({ q: ['fox', 'boat'] }).filter.search).toBe('fox');
    expect(parseListQuery({ q: '' }).filter.search).toBeUndefined();
    expect(parseListQuery({ q: { nested: 'x' } }).filter.search).toBeUndefined();
  });

  it('throws a ValidationError naming each bad field', () => {
    try {
      parseListQuery({ status: 'nope', source: ['a', 'b'] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.field).sort()).toEqual(['source', 'status']);
    }
  });
});
