import { describe, expect, it } from 'vitest';
import { describeError } from '../../../../src/bots/discord/reply.js';
import { LimitError, UpstreamError, ValidationError } from '../../../../src/core/errors.js';

describe('errors in plain words', () => {
  it('lists each bad value on its own line', () => {
    const text = describeError(
      new ValidationError([
        { field: 'num_frames', message: 'num_frames must be a whole number' },
        { field: 'fps', message: 'fps must be at most 30' },
      ]),
    );
    expect(text).toBe(
      'Some values need fixing:\n• num_frames must be a whole number\n• fps must be at most 30',
    );
  });

  it("uses the core's sentence for reelbot errors, and names the code of anything else", () => {
    expect(describeError(new UpstreamError('down', 503))).toBe(
      'Replicate cannot be reached right now. Please try again in a few minutes.',
    );
    expect(describeError(new LimitError('over', 'You already have 2 videos running.'))).toBe(
      'You already have 2 videos running.',
    );
    expect(describeError(new TypeError('boom'))).toBe(
      'Something went wrong on our side. Please try again. (error INTERNAL)',
    );
  });
});
