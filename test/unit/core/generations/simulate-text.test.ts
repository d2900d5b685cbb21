import { describe, expect, it } from 'vitest';
import { readSimulateText } from '../../../../src/core/generations/simulate-text.js';

describe("/simulate text (Slack's text, the sentence of Discord's prompt)", () => {
  it('keeps a plain sentence as it is, with no choices', () => {
    expect(readSimulateText('  30 marbles roll down a ramp ')).toEqual({
      prompt: '30 marbles roll down a ramp',
      video: {},
      problems: [],
    });
  });

  it('takes key:value choices from anywhere in the text, and the words people use for shapes', () => {
    expect(readSimulateText('duration:6s a seesaw Aspect:portrait quality:HIGH seed:7')).toEqual({
      prompt: 'a seesaw',
      video: { duration: 6, aspect: '9:16', quality: 'high' },
      seed: 7,
      problems: [],
    });
    expect(readSimulateText('balls aspect:1:1').video).toEqual({ aspect: '1:1' });
    // A colon in the sentence that names no choice stays in it.
    expect(readSimulateText('note:this is a ramp').prompt).toBe('note:this is a ramp');
  });

  it('takes a choice typed with a space after the colon, with =, or as a flag, instead of reading it as words', () => {
    const expected = {
      prompt: 'a ball falls',
      video: { duration: 5, aspect: '9:16' },
      seed: 42,
      problems: [],
    };
    expect(readSimulateText('a ball falls duration: 5 aspect: 9:16 seed: 42')).toEqual(expected);
    expect(readSimulateText('a ball falls duration=5 aspect = tall seed=42')).toEqual(expected);
    expect(readSimulateText('a ball falls --duration 5 --aspect tall --seed=42')).toEqual(expected);
    // A colon after a word that names no choice is still the sentence's.
    expect(readSimulateText('two things: a ball and a box').prompt).toBe('two things: a ball and a box');
  });

  it('names every choice it cannot read, with an example', () => {
    expect(readSimulateText('balls duration:30 aspect:4:3 quality:ultra seed:-1').problems).toEqual([
      'duration must be from 1 to 10 seconds, like duration:5',
      'aspect must be one of 16:9, 9:16, 1:1 (or wide, tall, square), like aspect:9:16',
      'quality must be one of draft, standard, high, like quality:high',
      'seed must be a whole number from 0 to 2147483647, like seed:42',
    ]);
  });
});
