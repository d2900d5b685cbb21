import { describe, expect, it } from 'vitest';
import { isFreshSlackTimestamp } from '../../../../src/bots/slack/receiver.js';

describe('isFreshSlackTimestamp', () => {
  const now = 1_800_000_000_000;
  const seconds = (offsetSec: number) => String(now / 1000 + offsetSec);

  it('takes timestamps up to five minutes off, either way', () => {
    for (const offset of [0, -300, 300, -1, 1])
      expect(isFreshSlackTimestamp(seconds(offset), now)).toBe(true);
  });

  it('refuses older, newer, missing and malformed ones', () => {
    for (const offset of [-301, 301, 600, 365 * 24 * 3600])
      expect(isFreshSlackTimestamp(seconds(offset), now), String(offset)).toBe(false);
    for (const header of [undefined, '', 'soon', '1.5e9', ['1800000000'], '-1800000000'])
      expect(isFreshSlackTimestamp(header, now), String(header)).toBe(false);
  });
});
