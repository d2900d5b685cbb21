import { ReelbotError } from './errors.js';

/**
 * Folds text for matching: accents dropped (NFD, then no combining marks) and lower case, so
 * "Café" and "CAFE" are one word to a server that blocks "cafe".
 */
export function foldForMatching(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A term as a whole-word pattern on folded text; spaces inside a term match any run of spaces. */
function termPattern(term: string): string {
  const escaped = term
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  // Letters and digits of any script bound a word, so "ass" does not match inside "class".
  return `(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`;
}

/** Finds which of a server's blocked terms a prompt uses. */
export interface BlockedTerms {
  /** The first blocked term (as configured) that `prompt` uses, or undefined. */
  find(prompt: string): string | undefined;
}

/** Builds the matcher once per list; blank terms are ignored. */
export function createBlockedTerms(terms: readonly string[]): BlockedTerms {
  const list = terms.map((term) => term.trim()).filter((term) => term !== '');
  if (list.length === 0) return { find: () => undefined };
  const patterns = list.map((term) => ({
    term,
    pattern: new RegExp(termPattern(foldForMatching(term)), 'u'),
  }));
  return {
    find(prompt) {
      const folded = foldForMatching(prompt);
      return patterns.find(({ pattern }) => pattern.test(folded))?.term;
    },
  };
}

/**
 * The refusal of a prompt that uses a blocked term. The term stays in the context for the
 * operator's log; the person is not told which word, so the list is not probed word by word.
 */
export function promptBlocked(term: string): ReelbotError {
  return new ReelbotError('PROMPT_BLOCKED', `prompt uses the blocked term "${term}"`, {
    userMessage: 'This prompt uses a term this server does not allow.',
    context: { term },
  });
}
