import { describe, expect, it } from 'vitest';
import { parseLogProgress, percentOfLine } from '../../../../src/core/generations/progress.js';

describe('progress from prediction logs', () => {
  it('reads tqdm bars, step counters and bare tqdm counters', () => {
    expect(percentOfLine(' 45%|████▌     | 9/20 [00:02<00:03, 3.1it/s]')).toBe(45);
    expect(percentOfLine('step 12/50')).toBe(24);
    expect(percentOfLine('Step: 5 of 20')).toBe(25);
    expect(percentOfLine('12/50 [00:04<00:12,  3.20it/s]')).toBe(24);
    expect(percentOfLine('Loading pipeline components...')).toBeUndefined();
  });

  it('takes the newest line that reports progress, across tqdm carriage-return redraws', () => {
    const logs =
      'Loading\r\n  0%|          | 0/30 [00:00<?, ?it/s]\r 10%|█         | 3/30\r 50%|█████     | 15/30 [00:05<00:05]\nsaving frame 3\n';
    expect(parseLogProgress(logs)).toEqual({ percent: 50, lastLine: 'saving frame 3' });
  });

  it('caps percent at 0..100 and keeps no percent when no line reports one', () => {
    expect(percentOfLine('step 70/50')).toBe(100);
    expect(parseLogProgress('hello\nworld')).toEqual({ lastLine: 'world' });
    expect(parseLogProgress(null)).toEqual({});
  });
});
