import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatClock,
  formatSpan,
  relativeTime,
  statusLabel,
  truncate,
} from '../../../../src/web/views/format.js';

describe('formatting for people', () => {
  it('truncates on a word boundary with an ellipsis, within the limit', () => {
    const text = 'The model ran out of GPU memory while decoding frame 97 of 121; try again';
    const cut = truncate(text, 60);
    expect(cut.length).toBeLessThanOrEqual(60);
    expect(cut).toBe('The model ran out of GPU memory while decoding frame 97 of…');
    expect(truncate('short', 60)).toBe('short');
    expect(truncate('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('flattens whitespace in text short enough to keep whole', () => {
    expect(truncate('a fox\nin  the\tsnow\u00a0at night', 60)).toBe('a fox in the snow at night');
    expect(truncate(' leading and trailing ', 60)).toBe('leading and trailing');
    expect(truncate('already flat', 60)).toBe('already flat');
  });

  it('formats times, spans, lengths and sizes', () => {
    const now = Date.UTC(2025, 0, 15);
    expect(relativeTime(now - 10_000, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(relativeTime(now - 3 * 3600_000, now)).toBe('3 h ago');
    expect(relativeTime(now - 90 * 86400_000, now)).toBe('2024-10-17');
    expect(formatSpan(850)).toBe('850 ms');
    expect(formatSpan(4200)).toBe('4.2 s');
    expect(formatSpan(185_000)).toBe('3 min 5 s');
    expect(formatClock(4)).toBe('0:04');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(4_100_000)).toBe('4.1 MB');
  });

  it('labels statuses, with the percentage while processing', () => {
    expect(statusLabel('processing', 41.6)).toBe('Processing 42%');
    expect(statusLabel('processing')).toBe('Processing');
    expect(statusLabel('succeeded', 100)).toBe('Done');
  });
});
