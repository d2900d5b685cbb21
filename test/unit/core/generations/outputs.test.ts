import { describe, expect, it } from 'vitest';
import { isImageUrl, pickOutputs } from '../../../../src/core/generations/outputs.js';

describe('prediction outputs', () => {
  it('keeps the first video of an array and records the rest', () => {
    expect(pickOutputs(['https://x/a.png', 'https://x/b.mp4', 'https://x/c.mp4'])).toEqual({
      primary: 'https://x/b.mp4',
      extras: ['https://x/a.png', 'https://x/c.mp4'],
    });
  });

  it('reads a single URL, an object of URLs, and nothing useful', () => {
    expect(pickOutputs('https://x/v.webm')).toEqual({ primary: 'https://x/v.webm', extras: [] });
    expect(pickOutputs({ video: 'https://x/v.mp4', poster: 'https://x/p.jpg' }).primary).toBe(
      'https://x/v.mp4',
    );
    expect(pickOutputs(null)).toEqual({ primary: undefined, extras: [] });
    expect(isImageUrl('https://x/p.JPG?sig=1')).toBe(true);
  });
});
