import { describe, expect, it } from 'vitest';
import { readBuiltin } from '../../../../src/simulation/interpreter/builtin/index.js';
import type { Scene } from '../../../../src/simulation/scene/schema.js';
import { sceneProblems } from '../../../../src/simulation/scene/validate.js';

type Body = Scene['objects'][number];
const moving = (scene: Scene, shape: Body['shape']) =>
  scene.objects.filter((o) => o.shape === shape && o.body !== 'static');
const extent = (bodies: Body[], k: 0 | 1 | 2) => ({
  min: Math.min(...bodies.map((b) => b.position[k] - b.size[k] / 2)),
  max: Math.max(...bodies.map((b) => b.position[k] + b.size[k] / 2)),
});
/** True when two groups of bodies' boxes overlap on the ground (x and z). */
const overlap = (a: Body[], b: Body[]) =>
  ([0, 2] as const).every((k) => extent(a, k).min < extent(b, k).max && extent(b, k).min < extent(a, k).max);

describe('built-in interpreter: every part it reads is in the scene', () => {
  // Each sentence names one arrangement the single-layout reading builds and more counted things
  // beside it; the reading and the scene must agree on every count.
  it.each([
    ['a tower of 20 boxes and 5 balls', 'a tower of 20 boxes, 5 balls', { box: 20, sphere: 5 }],
    ['a pyramid of 10 crates and 3 balls', 'a pyramid of 10 crates, 3 balls', { box: 10, sphere: 3 }],
    ['a stack of 6 boxes and 4 cylinders', 'a stack of 6 boxes, 4 cylinders', { box: 6, cylinder: 4 }],
    [
      'a tower of 15 red blocks and 3 blue balls',
      'a tower of 15 red blocks, 3 blue balls',
      { box: 15, sphere: 3 },
    ],
    ['10 dominoes and 2 balls', '10 dominoes, 2 balls', { box: 10, sphere: 2 }],
    ['8 balls roll down a ramp and 3 cubes', '8 balls, a ramp, 3 cubes', { sphere: 8, box: 3 }],
    ['a wall of 12 bricks with 2 cylinders', 'a wall of 12 bricks, 2 cylinders', { box: 12, cylinder: 2 }],
    ['5 balls and 3 cubes bouncing', '5 balls, 3 cubes', { sphere: 5, box: 3 }],
    [
      '5 balls and 3 cubes roll down a ramp into 10 pins',
      '5 balls, 3 cubes, a ramp, 10 pins',
      { sphere: 5, box: 3, cylinder: 10 },
    ],
    [
      'a ball hits a tower of 10 boxes next to 4 cylinders',
      'a ball, a tower of 10 boxes, 4 cylinders',
      { sphere: 1, box: 10, cylinder: 4 },
    ],
    [
      'a tower of 12 boxes and 2 balls knocked over by a ball',
      'a tower of 12 boxes, 2 balls, a ball',
      { box: 12, sphere: 3 },
    ],
  ] as const)('"%s" is read as "%s" and holds those bodies', (prompt, reading, bodies) => {
    const built = readBuiltin(prompt);
    expect(built.reading).toBe(reading);
    for (const shape of ['box', 'sphere', 'cylinder'] as const)
      expect(moving(built.scene, shape), shape).toHaveLength((bodies as Record<string, number>)[shape] ?? 0);
    expect(sceneProblems(built.scene)).toEqual([]);
  });

  it('sets the extra bodies on the ground beside the tower, clear of it, in their own colour', () => {
    const { scene } = readBuiltin('a tower of 15 red blocks and 3 blue balls');
    const tower = moving(scene, 'box');
    const balls = moving(scene, 'sphere');
    expect(overlap(tower, balls)).toBe(false);
    expect(new Set(balls.map((b) => b.color))).toEqual(new Set(['#2f6fd6']));
    // Near it, not far off-screen, and low: they land next to it rather than fall onto it.
    expect(extent(balls, 0).max).toBeGreaterThan(extent(tower, 0).min - 3);
    expect(extent(balls, 1).max).toBeLessThan(2);
    // The camera looks at both: every body is in front of it.
    const { position, lookAt } = scene.camera;
    const forward = lookAt.map((v, k) => v - position[k]!);
    for (const o of scene.objects)
      expect(o.position.reduce((dot, v, k) => dot + (v - position[k]!) * forward[k]!, 0)).toBeGreaterThan(0);
  });

  it('rolls each mover down the ramp in its own shape and colour', () => {
    const { scene } = readBuiltin('5 red balls and 3 blue cubes roll down a ramp into 10 pins');
    expect(new Set(moving(scene, 'sphere').map((b) => b.color))).toEqual(new Set(['#d8342c']));
    expect(new Set(moving(scene, 'box').map((b) => b.color))).toEqual(new Set(['#2f6fd6']));
  });

  it('drops what is "on top" onto the top of the pyramid', () => {
    const built = readBuiltin('a pyramid of 10 boxes with 3 balls on top');
    expect(built.reading).toBe('a pyramid of 10 boxes, 3 balls');
    const pyramid = moving(built.scene, 'box');
    const balls = moving(built.scene, 'sphere');
    expect(pyramid).toHaveLength(10);
    expect(balls).toHaveLength(3);
    expect(extent(balls, 1).min).toBeGreaterThan(extent(pyramid, 1).max);
    for (const k of [0, 2] as const) {
      expect(extent(balls, k).min).toBeGreaterThan(extent(pyramid, k).min);
      expect(extent(balls, k).max).toBeLessThan(extent(pyramid, k).max);
    }
  });

  it('keeps the thrown ball and the dominoes clear: extra bodies stand behind the row', () => {
    const { scene } = readBuiltin('20 dominoes knocked over by a ball and 3 cylinders');
    expect(moving(scene, 'cylinder')).toHaveLength(3);
    const { scene: row } = readBuiltin('10 dominoes and 2 balls');
    expect(overlap(moving(row, 'box'), moving(row, 'sphere'))).toBe(false);
    expect(extent(moving(row, 'sphere'), 2).max).toBeLessThan(extent(moving(row, 'box'), 2).min);
  });

  it('makes the tower of what the sentence arranges, even when it names something first', () => {
    const built = readBuiltin('a red ball and a tower of 10 boxes');
    expect(built.reading).toBe('a red ball, a tower of 10 boxes');
    const boxes = moving(built.scene, 'box');
    expect(boxes).toHaveLength(10);
    // Stacked: ten boxes reach far higher than one.
    expect(extent(boxes, 1).max).toBeGreaterThan(3);
    expect(moving(built.scene, 'sphere')).toHaveLength(1);
  });

  it('shares the room left by a big tower with what stands beside it, and reads the cap', () => {
    const built = readBuiltin('a tower of 300 boxes and 400 balls');
    const balls = moving(built.scene, 'sphere').length;
    expect(moving(built.scene, 'box')).toHaveLength(300);
    expect(balls).toBeLessThan(400);
    expect(built.reading).toBe(`a tower of 300 boxes, ${balls} balls (capped from 400)`);
    expect(sceneProblems(built.scene)).toEqual([]);
  });
});
