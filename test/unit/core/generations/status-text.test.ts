import { describe, expect, it } from 'vitest';
import {
  describeEvent,
  describeGeneration,
  formatElapsed,
  friendlyFailure,
  progressBar,
  statusLines,
} from '../../../../src/core/generations/status-text.js';
import type { Generation } from '../../../../src/core/generations/types.js';

const base: Generation = {
  id: 'g_1',
  source: 'replicate',
  requester: { platform: 'discord', userId: 'u1' },
  model: 'minimax/video-01',
  prompt: 'a fox in the snow',
  input: { prompt: 'a fox in the snow' },
  seed: 42,
  status: 'processing',
  progress: 45,
  lastLog: ' 45%|████▌ | 9/20',
  createdAt: 1_000_000,
  updatedAt: 1_000_000,
};

describe('status text', () => {
  it('describes a running generation with percent, bar and elapsed time', () => {
    const view = describeGeneration(base, { now: 1_065_000 });
    expect(view.label).toBe('Generating');
    expect(view.percent).toBe(45);
    expect(view.bar).toBe('▓▓▓▓▓░░░░░');
    expect(view.elapsed).toBe('1m 05s');
    expect(view.headline).toBe('⏳ Generating · ▓▓▓▓▓░░░░░ 45% · 1m 05s');
    expect(view.final).toBe(false);
  });

  it('shows the queue position of a queued event', () => {
    const view = describeEvent(
      { type: 'queued', generation: { ...base, status: 'queued', progress: undefined }, position: 3 },
      { now: 1_000_000 },
    );
    expect(view.queuePosition).toBe(3);
    expect(view.headline).toMatch(/#3 in line/);
  });

  it('says how many of the person’s own videos are ahead when their limit holds one back', () => {
    const view = describeEvent(
      {
        type: 'queued',
        generation: { ...base, status: 'queued', progress: undefined },
        position: 4,
        ownAhead: 1,
      },
      { now: 1_000_000 },
    );
    expect(view.ownAhead).toBe(1);
    expect(view.headline).toBe('🕒 Queued: 1 of yours ahead · 0s');
  });

  it('adds the time left from the model’s typical run, and moves it with each tick', () => {
    const running = { ...base, progress: undefined, lastLog: undefined, startedAt: 1_000_000 };
    const typical = { ms: 60_000, runs: 20 };
    const first = describeEvent({ type: 'tick', generation: running, typical }, { now: 1_020_000 });
    expect(first.headline).toBe('⏳ Generating · 20s · about 40 s left');
    const later = describeEvent({ type: 'tick', generation: running, typical }, { now: 1_045_000 });
    expect(later.headline).toBe('⏳ Generating · 45s · about 15 s left');
    // Past its typical run and with no percent, it promises nothing.
    expect(describeEvent({ type: 'tick', generation: running, typical }, { now: 1_090_000 }).remaining).toBe(
      undefined,
    );
    // No history, no percent: no estimate.
    expect(
      describeEvent({ type: 'tick', generation: running }, { now: 1_020_000 }).remaining,
    ).toBeUndefined();
  });

  it('summarises a finished generation: model, prompt, seed and time taken', () => {
    const view = describeGeneration({ ...base, status: 'succeeded', completedAt: 1_083_000 }, { now: 9e9 });
    expect(view.final).toBe(true);
    expect(view.details).toEqual([
      'Model: minimax/video-01',
      'Prompt: a fox in the snow',
      'Seed: 42',
      'Time taken: 1m 23s',
    ]);
    expect(view.lastLog).toBeUndefined();
  });

  it('says a sentence given with a scene file only titles it, and nothing when the file came alone', () => {
    const fromFile: Generation = {
      ...base,
      source: 'simulation',
      model: 'physics',
      prompt: 'ten balls fall',
      input: { prompt: 'ten balls fall', scene: { objects: [] }, sceneFile: 'tower.json' },
      seed: undefined,
    };
    expect(describeGeneration(fromFile).details).toEqual([
      'Model: physics',
      'Prompt: ten balls fall',
      'Rendered from tower.json as it is; the prompt is only its title',
    ]);
    const alone = { ...fromFile, prompt: 'the scene in tower.json' };
    expect(describeGeneration(alone).details).toEqual(['Model: physics', 'Prompt: the scene in tower.json']);
  });

  it('gives failures a reason a person understands and keeps Replicate’s words', () => {
    const failed = { ...base, status: 'failed' as const, error: 'x', upstreamError: 'CUDA out of memory' };
    const view = describeEvent({
      type: 'failed',
      generation: failed,
      reason: friendlyFailure('CUDA out of memory. Tried to allocate 2 GiB'),
      upstreamError: 'CUDA out of memory',
    });
    expect(view.failure?.reason).toMatch(/ran out of memory/);
    expect(statusLines(view)).toContain('Replicate said: CUDA out of memory');
    expect(friendlyFailure('NSFW content detected')).toMatch(/safety filter/);
    expect(friendlyFailure(undefined, 'aborted')).toMatch(/stopped this run/);
    expect(friendlyFailure('ValueError: weird thing happened\nmore')).toBe(
      'The model failed: ValueError: weird thing happened',
    );
  });

  it('formats durations and bars', () => {
    expect(formatElapsed(850)).toBe('0s');
    expect(formatElapsed(3_723_000)).toBe('1h 02m');
    expect(progressBar(100, 4)).toBe('▓▓▓▓');
  });
});
