import { describe, expect, it } from 'vitest';
import { ReelbotError, ValidationError } from '../../../../src/core/errors.js';
import { withFieldLabels } from '../../../../src/core/forms/plan.js';

const labels = new Map([
  ['infer_steps', 'Infer Steps'],
  ['prompt', 'Prompt'],
]);
const labelOf = (name: string) => labels.get(name);

describe('withFieldLabels', () => {
  it('names each input as the form labels it, where the message starts with its name', () => {
    const told = withFieldLabels(
      new ValidationError([
        { field: 'infer_steps', message: 'infer_steps must be at least 1' },
        { field: 'prompt', message: 'Prompts can be at most 2,000 characters; yours has 2,001' },
        { field: 'seed', message: 'seed must be a whole number' },
      ]),
      labelOf,
    );
    expect(told).toBeInstanceOf(ValidationError);
    expect((told as ValidationError).problems).toEqual([
      { field: 'infer_steps', message: 'Infer Steps must be at least 1' },
      { field: 'prompt', message: 'Prompts can be at most 2,000 characters; yours has 2,001' },
      // No label known: the name stays.
      { field: 'seed', message: 'seed must be a whole number' },
    ]);
  });

  it('returns any other error as it is', () => {
    const refusal = new ReelbotError('PROMPT_BLOCKED', 'blocked', { userMessage: 'no' });
    expect(withFieldLabels(refusal, labelOf)).toBe(refusal);
  });
});
