import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { checkVideoChoices } from '../../../src/core/generations/video-choices.js';
import { interpretBuiltin } from '../../../src/simulation/interpreter/builtin/index.js';
import { sceneOfSentence } from '../../../src/simulation/sentence-scene.js';
import { applyVideoChoices, renderQualityOf, resolutionOf } from '../../../src/simulation/video-choices.js';

describe('video choices', () => {
  it('keeps only what was chosen, and names every choice out of range', () => {
    expect(checkVideoChoices(undefined)).toBeUndefined();
    expect(checkVideoChoices({ duration: undefined })).toBeUndefined();
    expect(checkVideoChoices({ duration: 4, aspect: '1:1' })).toEqual({ duration: 4, aspect: '1:1' });
    const error = (() => {
      try {
        checkVideoChoices({ duration: 11, aspect: '4:3' as never, quality: 'ultra' as never });
      } catch (caught) {
        return caught as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.problems.map((p) => p.field)).toEqual(['duration', 'aspect', 'quality']);
  });

  it('sizes the frame by aspect and quality, standard 16:9 by default', () => {
    expect(resolutionOf(undefined)).toBeUndefined();
    expect(resolutionOf({ duration: 3 })).toBeUndefined();
    expect(resolutionOf({ quality: 'high' })).toEqual({ width: 1920, height: 1080 });
    expect(resolutionOf({ aspect: '9:16' })).toEqual({ width: 720, height: 1280 });
    expect(resolutionOf({ aspect: '1:1', quality: 'draft' })).toEqual({ width: 480, height: 480 });
    expect(renderQualityOf('high')?.supersample).toBe(2);
    expect(renderQualityOf('draft')?.supersample).toBe(1);
    expect(renderQualityOf('standard')).toBeUndefined();
  });

  it('keeps the shape of a scene that has one when only the quality is chosen', () => {
    const scene = (width: number, height: number) => ({
      ...interpretBuiltin('a ball', 0),
      resolution: { width, height },
    });
    // A tall scene file (a Scene button's, from a 9:16 video) sent back at another quality stays tall.
    expect(applyVideoChoices(scene(480, 854), { quality: 'standard' }).resolution).toEqual({
      width: 720,
      height: 1280,
    });
    expect(applyVideoChoices(scene(320, 320), { quality: 'high' }).resolution).toEqual({
      width: 1080,
      height: 1080,
    });
    expect(applyVideoChoices(scene(640, 480), { quality: 'draft' }).resolution).toEqual({
      width: 854,
      height: 480,
    });
    // A chosen aspect still wins, and no choice leaves the scene's own frame.
    expect(applyVideoChoices(scene(480, 854), { aspect: '16:9', quality: 'draft' }).resolution).toEqual({
      width: 854,
      height: 480,
    });
    expect(applyVideoChoices(scene(320, 240), { duration: 2 }).resolution).toEqual({
      width: 320,
      height: 240,
    });
  });

  it('keeps the shape a sentence asks for when only the quality is chosen, as chat and the CLI read it', async () => {
    const frame = async (sentence: string, video: Parameters<typeof sceneOfSentence>[1]['video']) =>
      (await sceneOfSentence(sentence, { seed: 0, video })).scene.resolution;
    expect(await frame('a vertical video of a ball', { quality: 'draft' })).toEqual({
      width: 480,
      height: 854,
    });
    expect(await frame('a square video of a ball', { quality: 'high' })).toEqual({
      width: 1080,
      height: 1080,
    });
    expect(await frame('a vertical video of a ball', { aspect: '16:9', quality: 'draft' })).toEqual({
      width: 854,
      height: 480,
    });
    expect(await frame('a ball', { quality: 'draft', duration: 2 })).toEqual({ width: 854, height: 480 });
    expect((await sceneOfSentence('a ball', { video: { duration: 2 } })).scene.duration).toBe(2);
  });

  it('films a tall video tall: the camera is placed for the frame, not cropped from a wide one', () => {
    const prompt = 'a wall of 40 yellow boxes';
    const tall = interpretBuiltin(prompt, 0, resolutionOf({ aspect: '9:16' }));
    const wide = interpretBuiltin(prompt, 0);
    expect(tall.resolution).toEqual({ width: 720, height: 1280 });
    // A narrower frame needs the camera further back to keep the whole wall across.
    const distance = (s: typeof tall) =>
      Math.hypot(...s.camera.position.map((v, k) => v - s.camera.lookAt[k]!));
    expect(distance(tall)).toBeGreaterThan(distance(wide));
    expect(applyVideoChoices(wide, { duration: 7 }).duration).toBe(7);
  });
});
