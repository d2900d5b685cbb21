import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { blockErrorsOf } from '../../../../src/bots/slack/modal/block-errors.js';
import { plainWords, slackProblemOf } from '../../../../src/bots/slack/slack-errors.js';
import { AttachmentError, LimitError, ValidationError } from '../../../../src/core/errors.js';

/** A Web API platform error as @slack/web-api builds it from `{ ok: false, ... }`. */
function platformError(data: Record<string, unknown>) {
  return Object.assign(new Error(`An API error occurred: ${String(data.error)}`), {
    code: webApi.ErrorCode.PlatformError,
    data: { ok: false, ...data },
  });
}

describe('Slack errors in plain words', () => {
  it('names a missing scope and what it is for', () => {
    const error = platformError({ error: 'missing_scope', needed: 'files:write' });
    expect(slackProblemOf(error)).toEqual({ error: 'missing_scope', scope: 'files:write' });
    expect(plainWords(error)).toContain('`files:write`');
    expect(plainWords(error)).toContain('upload finished videos');
  });

  it('tells people to invite the bot when it is not in the channel', () => {
    expect(plainWords(platformError({ error: 'not_in_channel' }))).toContain('/invite @reelbot');
  });

  it("uses core's user message for reelbot's own errors", () => {
    const limit = new LimitError('too many', 'You already have 2 videos running.');
    expect(plainWords(limit)).toBe('You already have 2 videos running.');
    expect(plainWords(new Error('internal detail'))).not.toContain('internal detail');
  });
});

describe('modal errors on blocks', () => {
  const blocks = new Set(['reelbot_model', 'prompt', 'width', 'image']);

  it('puts each field problem on its block and the rest on the model chooser', () => {
    const error = new ValidationError([
      { field: 'width', message: 'width must be at least 256' },
      { field: 'width', message: 'width must be a whole number' },
      { field: 'hidden', message: 'hidden is required' },
    ]);
    expect(blockErrorsOf(error, blocks)).toEqual({
      width: 'Width must be at least 256; width must be a whole number',
      reelbot_model: 'Hidden is required',
    });
  });

  it('puts an attachment problem on the image block', () => {
    const error = new AttachmentError('ATTACHMENT_WRONG_TYPE', 'x', 'That is not an image.');
    expect(blockErrorsOf(error, blocks, 'image')).toEqual({ image: 'That is not an image.' });
    expect(blockErrorsOf(new LimitError('x', 'Wait a bit.'), blocks)).toEqual({
      reelbot_model: 'Wait a bit.',
    });
  });
});
