import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { assertPromptLength, maxPromptChars } from '../../../src/core/prompt-limit.js';

describe('assertPromptLength', () => {
  it('takes 2,000 characters, counting an emoji as one', () => {
    expect(maxPromptChars).toBe(2000);
    expect(() => assertPromptLength('a'.repeat(2000))).not.toThrow();
    // 2,000 emoji are 4,000 UTF-16 units: still 2,000 characters to the person typing them.
    expect(() => assertPromptLength('🎬'.repeat(2000))).not.toThrow();
  });

  it('refuses 2,001 on the named field, saying how long it is', () => {
    let caught: unknown;
    try {
      assertPromptLength('a'.repeat(100_000), 'text');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems).toEqual([
      { field: 'text', message: 'Prompts can be at most 2,000 characters; yours has 100,000' },
    ]);
    expect((caught as ValidationError).userMessage).toBe(
      'Please fix: Prompts can be at most 2,000 characters; yours has 100,000.',
    );
    expect(() => assertPromptLength('🎬'.repeat(2001))).toThrow(/yours has 2,001/);
  });
});
