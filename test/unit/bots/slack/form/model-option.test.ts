import { describe, expect, it } from 'vitest';
import {
  modelFromOption,
  modelOptionPrefix,
  modelOptionValue,
  slackViewLimits,
} from '../../../../../src/bots/slack/form/index.js';

const long = 'cjwbw/compositional-vsual-generation-with-composable-diffusion-models-pytorch';
const twin = `${long}-v2`;

describe('Slack chooser option values', () => {
  it('keeps a ref that fits as it is', () => {
    expect(modelOptionValue('minimax/video-01')).toBe('minimax/video-01');
    expect(modelFromOption('minimax/video-01', [])).toBe('minimax/video-01');
  });

  it('shortens a long ref within the limit and maps it back, even beside a ref with the same beginning', () => {
    const value = modelOptionValue(long);
    expect(value.length).toBeLessThanOrEqual(slackViewLimits.optionValue);
    expect(modelOptionValue(twin)).not.toBe(value);
    expect(long.startsWith(modelOptionPrefix(value))).toBe(true);
    expect(modelFromOption(value, [twin, long])).toBe(long);
    expect(modelFromOption(value, [twin])).toBeUndefined();
  });
});
