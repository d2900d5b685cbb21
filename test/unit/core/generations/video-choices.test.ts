import { describe, expect, it } from 'vitest';
import { readVideoChoices } from '../../../../src/core/generations/video-choices.js';

describe('typed video choices, read alike on the CLI and in chat', () => {
  it('takes seconds with or without a unit, aspect words and any case', () => {
    expect(readVideoChoices({ duration: '5s', aspect: 'tall', quality: 'HIGH', seed: '42' })).toEqual({
      video: { duration: 5, aspect: '9:16', quality: 'high' },
      seed: 42,
      problems: [],
    });
    expect(readVideoChoices({ duration: '2.5 seconds', aspect: '1:1' }).video).toEqual({
      duration: 2.5,
      aspect: '1:1',
    });
    expect(readVideoChoices({ aspect: 'Square' }).video).toEqual({ aspect: '1:1' });
    expect(readVideoChoices({})).toEqual({ video: {}, problems: [] });
  });

  it('names each choice it cannot read', () => {
    expect(
      readVideoChoices({ duration: 's', aspect: '4:3', quality: 'ultra', seed: '1.5' }).problems.map(
        (p) => p.field,
      ),
    ).toEqual(['duration', 'aspect', 'quality', 'seed']);
    expect(readVideoChoices({ duration: '30s' }).problems).toEqual([
      { field: 'duration', message: 'duration must be from 1 to 10 seconds' },
    ]);
  });
});
