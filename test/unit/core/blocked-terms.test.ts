import { describe, expect, it } from 'vitest';
import { createBlockedTerms, promptBlocked } from '../../../src/core/blocked-terms.js';
import { loadConfig } from '../../../src/core/config.js';

describe('blocked terms', () => {
  it('matches ignoring case and accents, in the prompt and in the list', () => {
    const terms = createBlockedTerms(['cafe', 'Niño']);
    expect(terms.find('a CAFÉ at night')).toBe('cafe');
    expect(terms.find('un nino en la playa')).toBe('Niño');
    expect(terms.find('UN NIÑO')).toBe('Niño');
    expect(terms.find('a teapot')).toBeUndefined();
  });

  it('matches whole words only: "ass" blocks "ass" but not "class" or "assemble"', () => {
    const terms = createBlockedTerms(['ass']);
    expect(terms.find('a class of students')).toBeUndefined();
    expect(terms.find('robots assemble')).toBeUndefined();
    expect(terms.find('a kick in the ass.')).toBe('ass');
    expect(terms.find('ASS!')).toBe('ass');
    // Letters of other scripts bound words too.
    expect(terms.find('ässemble')).toBeUndefined();
  });

  it('matches a term of several words across any spacing, and treats regex characters literally', () => {
    const terms = createBlockedTerms(['red  panda', 'c++']);
    expect(terms.find('a Red\tPanda eating')).toBe('red  panda');
    expect(terms.find('a red pandas')).toBeUndefined();
    expect(terms.find('written in C++ code')).toBe('c++');
    expect(terms.find('written in c code')).toBeUndefined();
  });

  it('blocks nothing with an empty list', () => {
    expect(createBlockedTerms([]).find('anything at all')).toBeUndefined();
    expect(createBlockedTerms(['  ']).find('anything at all')).toBeUndefined();
  });

  it('reads BLOCKED_TERMS as a comma list, blanks dropped, and none by default', () => {
    expect(loadConfig({ BLOCKED_TERMS: ' gore, ,Blood ,' }).moderation.blockedTerms).toEqual([
      'gore',
      'Blood',
    ]);
    expect(loadConfig({ BLOCKED_TERMS: 'gore,blood' }).moderation.blockedTerms).toEqual(['gore', 'blood']);
    expect(loadConfig({}).moderation.blockedTerms).toEqual([]);
  });

  it('refuses with a stable code and a plain sentence that does not name the term', () => {
    const error = promptBlocked('gore');
    expect(error.code).toBe('PROMPT_BLOCKED');
    expect(error.userMessage).toBe('This prompt uses a term this server does not allow.');
    expect(error.userMessage).not.toContain('gore');
    expect(error.context).toEqual({ term: 'gore' });
  });
});
