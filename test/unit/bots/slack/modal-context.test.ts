import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../../../../src/bots/slack/commands/open-modal.js';
import { decodeContext, encodeContext } from '../../../../src/bots/slack/metadata.js';

describe('modal private_metadata', () => {
  it('round-trips the channel, the person and what they started from', () => {
    const context = {
      channelId: 'C1',
      userId: 'U1',
      teamId: 'T1',
      collection: 'image-to-video' as const,
      model: 'a/b',
      prompt: 'a cat',
      fileIds: ['F1', 'F2'],
      originId: 'g_1',
      page: 2,
    };
    expect(decodeContext(encodeContext(context))).toEqual(context);
    // The first page is the default and is not written.
    expect(encodeContext({ ...context, page: 0 })).not.toContain('"g"');
  });

  it("stays within Slack's 3000 characters by cutting a long prompt", () => {
    const text = encodeContext({ channelId: 'C1', userId: 'U1', prompt: 'x'.repeat(5000) });
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(decodeContext(text)?.prompt?.length).toBeGreaterThan(2500);
  });

  it('does not take metadata that is not ours', () => {
    expect(decodeContext(undefined)).toBeUndefined();
    expect(decodeContext('not json')).toBeUndefined();
    expect(decodeContext('{"channel":"C1"}')).toBeUndefined();
  });
});

describe('slash command text', () => {
  it('reads a leading owner/name as the model and the rest as the prompt', () => {
    expect(parseCommandText('minimax/video-01 a fox  jumps')).toEqual({
      model: 'minimax/video-01',
      prompt: 'a fox jumps',
    });
    expect(parseCommandText('  a fox / a hound ')).toEqual({ prompt: 'a fox / a hound' });
    expect(parseCommandText('')).toEqual({ prompt: undefined });
  });
});
