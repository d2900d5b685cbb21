import { ValidationError } from './errors.js';

/**
 * The longest prompt reelbot takes, from any surface: Discord's own message limit. Models read far
 * less, and a prompt is stored, searched and shown in status messages and the gallery.
 */
export const maxPromptChars = 2000;

/**
 * Throws a {@link ValidationError} on the `field` (the model's prompt input) when `prompt` is over
 * {@link maxPromptChars} characters (code points, as a person counts them).
 */
export function assertPromptLength(prompt: string, field = 'prompt'): void {
  // Code points, not UTF-16 units, as people and Discord count them; the cheap length comes first.
  if (prompt.length <= maxPromptChars) return;
  const chars = [...prompt].length;
  if (chars <= maxPromptChars) return;
  throw new ValidationError([
    {
      field,
      message: `Prompts can be at most ${maxPromptChars.toLocaleString('en-US')} characters; yours has ${chars.toLocaleString('en-US')}`,
    },
  ]);
}
