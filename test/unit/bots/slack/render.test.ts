import { describe, expect, it } from 'vitest';
import { videoCaption } from '../../../../src/bots/slack/status/delivery.js';
import {
  cancelActionId,
  editActionId,
  parametersActionId,
  renderEvent,
  rerollActionId,
  sceneActionId,
} from '../../../../src/bots/slack/status/render.js';
import type { Generation } from '../../../../src/core/generations/types.js';

const base: Generation = {
  id: 'g_1',
  source: 'replicate',
  requester: { platform: 'slack', userId: 'U1', channelId: 'C1' },
  model: 'minimax/video-01',
  prompt: 'a <b>bold</b> & bright fox',
  input: {},
  seed: 42,
  status: 'processing',
  progress: 40,
  createdAt: 1_000,
  updatedAt: 1_000,
};

describe('Slack status message', () => {
  it('shows state, percent, elapsed time and a Cancel button while running', () => {
    const message = renderEvent(
      { type: 'progress', generation: base, percent: 40 },
      66_000,
      'https://x.test/g/g_1',
    );
    const text = JSON.stringify(message.blocks);
    expect(message.text).toContain('Generating');
    expect(message.text).toContain('40%');
    expect(message.text).toContain('1m 05s');
    expect(text).toContain(cancelActionId);
    // People's text cannot inject Slack markup.
    expect(text).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; bright');
    expect(text).toContain('<https://x.test/g/g_1|Open in the gallery>');
  });

  it('says who asked, by name and without a mention, so a re-roll by someone else is theirs', () => {
    const mine: Generation = { ...base, requester: { ...base.requester, userName: 'grace_<h>' } };
    const text = JSON.stringify(
      renderEvent({ type: 'progress', generation: mine, percent: 40 }, 66_000, 'https://x.test/g/g_1').blocks,
    );
    expect(text).toContain('Requested by grace_&lt;h&gt;');
    expect(text).not.toContain('<@U1>');
    // Nobody named: nothing said.
    expect(
      JSON.stringify(renderEvent({ type: 'started', generation: base }, 2_000, 'https://x.test').blocks),
    ).not.toContain('Requested by');
  });

  it('drops the Cancel button and says why when it failed', () => {
    const failed: Generation = {
      ...base,
      status: 'failed',
      completedAt: 5_000,
      error: 'The model ran out of memory.',
    };
    const message = renderEvent(
      {
        type: 'failed',
        generation: failed,
        reason: 'The model ran out of memory.',
        upstreamError: 'CUDA OOM',
      },
      9_000,
      'https://x.test/g/g_1',
    );
    const text = JSON.stringify(message.blocks);
    expect(text).not.toContain(cancelActionId);
    expect(text).toContain('The model ran out of memory.');
    expect(text).toContain('CUDA OOM');
    // What to change is said; the buttons to do it are there, as on Discord. Nothing to keep.
    const actions = message.blocks
      .filter((block) => block.type === 'actions')
      .flatMap((block) => block.elements.map((element) => (element as { action_id?: string }).action_id));
    expect(actions).toEqual([rerollActionId, parametersActionId, editActionId]);
  });

  it('offers the scene of a failed or canceled simulation, to change and render again, as Discord does', () => {
    const simulation: Generation = {
      ...base,
      source: 'simulation',
      model: 'physics',
      input: { prompt: 'a ball', scene: { objects: [] } },
      completedAt: 5_000,
    };
    for (const event of [
      {
        type: 'failed' as const,
        generation: { ...simulation, status: 'failed' as const },
        reason: 'GL failed.',
      },
      { type: 'canceled' as const, generation: { ...simulation, status: 'canceled' as const } },
    ]) {
      const actions = renderEvent(event, 9_000, 'https://x.test/g/g_1')
        .blocks.filter((block) => block.type === 'actions')
        .flatMap((block) => block.elements.map((element) => (element as { action_id?: string }).action_id));
      expect(actions).toEqual([sceneActionId, rerollActionId, parametersActionId]);
    }
  });

  it("leaves Re-roll out under a scene file's video, which a new seed would not change", () => {
    const fromFile: Generation = {
      ...base,
      source: 'simulation',
      model: 'physics',
      prompt: 'the scene in tower.json',
      input: { prompt: 'the scene in tower.json', scene: { objects: [] }, sceneFile: 'tower.json' },
      seed: undefined,
      status: 'succeeded',
      completedAt: 5_000,
    };
    const media = { path: 'media/g_1.mp4', sha256: 'x', bytes: 1, mime: 'video/mp4' };
    const actionsOf = (generation: Generation) =>
      renderEvent({ type: 'succeeded', generation, media }, 9_000, 'https://x.test/g/g_1')
        .blocks.filter((block) => block.type === 'actions')
        .flatMap((block) => block.elements.map((element) => (element as { action_id?: string }).action_id));
    expect(actionsOf(fromFile)).not.toContain(rerollActionId);
    expect(actionsOf(fromFile)).toContain(parametersActionId);
    // A sentence's simulation keeps it: its seed picks how the sentence is read.
    const sentence = { ...fromFile, prompt: 'a ball', input: { prompt: 'a ball', scene: {} }, seed: 3 };
    expect(actionsOf(sentence)).toContain(rerollActionId);
  });

  it('captions the uploaded video with model, prompt, seed and the gallery link', () => {
    const caption = videoCaption(base, 'https://x.test/g/g_1');
    expect(caption).toContain('minimax/video-01');
    expect(caption).toContain('seed 42');
    expect(caption).toContain('&lt;b&gt;bold');
    expect(caption).toContain('https://x.test/g/g_1');
  });
});
