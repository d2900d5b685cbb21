import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../src/web/range.js';

describe('parseRange', () => {
  it('reads single ranges', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ kind: 'partial', start: 990, end: 999 });
  });

  it('knows unsatisfiable ranges', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('falls back to the whole file for anything else', () => {
    for (const header of [undefined, '', 'items=0-1', 'bytes=5-3', 'bytes=0-1,5-6', 'bytes=-', 'bytes=a-b'])
      expect(parseRange(header, 1000), String(header)).toEqual({ kind: 'full' });
  });
});
