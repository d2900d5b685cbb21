import { describe, expect, it } from 'vitest';
import { readBuiltin } from '../../../../src/simulation/interpreter/builtin/index.js';
import type { Scene } from '../../../../src/simulation/scene/schema.js';
import { sceneProblems } from '../../../../src/simulation/scene/validate.js';

type Body = Scene['objects'][number];
const of = (scene: Scene, shape: Body['shape'], body: Body['body'] = 'dynamic') =>
  scene.objects.filter((o) => o.shape === shape && o.body === body);
const pushed = (o: Body) => o.angularVelocity.some((v) => v !== 0);

/** Short sentences a new user types first: each reading says what its scene holds. */
describe('built-in interpreter, first sentences', () => {
  it.each([
    ['a steel ball', 'a steel ball'],
    ['a glass ball', 'a glass ball'],
    ['one glass marble', 'a glass marble'],
    ['a red ball', 'a red ball'],
    ['an ice cube', 'an icy cube'],
  ])('builds one body for "%s", a single ball of a material', (sentence, reading) => {
    const { scene, reading: read } = readBuiltin(sentence);
    expect(scene.objects.filter((o) => o.body === 'dynamic')).toHaveLength(1);
    expect(read).toBe(reading);
  });
});
