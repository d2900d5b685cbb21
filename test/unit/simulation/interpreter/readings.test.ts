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

  it('pours the default count of marbles into "a bowl of marbles", read in the plural', () => {
    const { scene, reading } = readBuiltin('a bowl of marbles');
    expect(reading).toBe('40 marbles poured into a bowl');
    expect(of(scene, 'sphere')).toHaveLength(40);
  });

  it.each([
    ['a box of marbles', 'a box of marbles'],
    ['a crate full of balls', 'a crate of balls'],
    ['a glass box of 20 red balls', 'a glass box of 20 red balls'],
  ])('pours the balls of "%s" into its box, all over its inside', (sentence, reading) => {
    const { scene, reading: read } = readBuiltin(sentence);
    expect(read).toBe(reading);
    const walls = of(scene, 'box', 'static');
    const balls = of(scene, 'sphere');
    expect(walls).toHaveLength(5);
    expect(balls.length).toBeGreaterThan(1);
    const inner = (k: 0 | 2) => ({
      min: Math.min(...walls.map((w) => w.position[k] - w.size[k] / 2)),
      max: Math.max(...walls.map((w) => w.position[k] + w.size[k] / 2)),
    });
    for (const k of [0, 2] as const)
      for (const b of balls) {
        expect(b.position[k]).toBeGreaterThan(inner(k).min);
        expect(b.position[k]).toBeLessThan(inner(k).max);
      }
    // Poured in from above its walls: settled in it, they lay still for the whole video.
    const top = Math.max(...walls.map((w) => w.position[1] + w.size[1] / 2));
    expect(Math.min(...balls.map((b) => b.position[1]))).toBeGreaterThan(top);
    expect(sceneProblems(scene)).toEqual([]);
  });

  it.each([
    ['a spiral of dominoes', 'a spiral of dominoes', 20],
    ['a spiral of 40 dominoes', 'a spiral of 40 dominoes', 40],
    ['dominoes in a spiral', 'a spiral of dominoes', 20],
    ['a row of 30 dominoes in a spiral, the first one pushed', 'a spiral of 30 dominoes', 30],
  ])('reads the spiral that "%s" builds', (sentence, reading, count) => {
    const { scene, reading: read } = readBuiltin(sentence);
    expect(read).toBe(reading);
    const dominoes = of(scene, 'box');
    expect(dominoes).toHaveLength(count);
    expect(dominoes.filter(pushed)).toHaveLength(1);
    // A spiral winds round its middle: the dominoes stand on every side of it.
    expect(dominoes.some((d) => d.position[2] > 1)).toBe(true);
    expect(dominoes.some((d) => d.position[2] < -1)).toBe(true);
  });

  it('stands "dominoes in a ring" on a circle, the first pushed along it, and says so', () => {
    const { scene, reading } = readBuiltin('dominoes in a ring');
    expect(reading).toBe('a ring of dominoes');
    const dominoes = of(scene, 'box');
    expect(dominoes).toHaveLength(20);
    expect(dominoes.filter(pushed)).toHaveLength(1);
    // Tall and thin, as dominoes are, each as far from the middle as the others.
    expect(dominoes[0]!.size[1]).toBeGreaterThan(dominoes[0]!.size[0] * 4);
    const cx = dominoes.reduce((sum, d) => sum + d.position[0], 0) / dominoes.length;
    const cz = dominoes.reduce((sum, d) => sum + d.position[2], 0) / dominoes.length;
    const radii = dominoes.map((d) => Math.hypot(d.position[0] - cx, d.position[2] - cz));
    expect(Math.max(...radii) - Math.min(...radii)).toBeLessThan(0.05);
  });

  it.each([
    ['a tower', 'a ball, a tower of boxes', 12],
    ['a wall', 'a ball, a wall of boxes', 15],
    ['a pyramid', 'a ball, a pyramid of boxes', 10],
    ['a tower of 10 boxes collapses', 'a ball, a tower of 10 boxes', 10],
    ['a stack of 6 boxes', 'a ball, a stack of 6 boxes', 6],
    [
      'a blue tower of 8 boxes and a pyramid of 6 red crates',
      'a ball, a tower of 8 blue boxes, a pyramid of 6 red crates',
      14,
    ],
  ])('builds "%s" of boxes, and throws a ball into it, as its reading says', (sentence, reading, count) => {
    const { scene, reading: read } = readBuiltin(sentence);
    expect(read).toBe(reading);
    const boxes = of(scene, 'box');
    expect(boxes).toHaveLength(count);
    // Standing on each other, not falling from the sky.
    expect(Math.min(...boxes.map((b) => b.position[1] - b.size[1] / 2))).toBeLessThan(0.01);
    expect(boxes.every((b) => b.velocity.every((v) => v === 0))).toBe(true);
    // Alone it stood still for the whole video: now a ball flies at it from its left, at its height.
    const [ball, ...more] = of(scene, 'sphere');
    expect(more).toEqual([]);
    expect(ball!.velocity[0]).toBeGreaterThan(0);
    expect(ball!.position[0]).toBeLessThan(Math.min(...boxes.map((b) => b.position[0])));
    expect(ball!.position[1]).toBeLessThan(Math.max(...boxes.map((b) => b.position[1])) + 4);
  });

  it.each([
    ['a pendulum swings beside a pyramid of 6 red crates'],
    ['a tower of 20 boxes and 5 balls'],
    ['a wall of ice and a ball'],
  ])('throws no ball of its own where "%s" names something else', (sentence) => {
    const { reading } = readBuiltin(sentence);
    expect(reading).not.toMatch(/^a ball, /);
  });

  it('reads the rubber of "a rubber ball bounces on ice", and the ice it bounces on', () => {
    const { scene, reading } = readBuiltin('a rubber ball bounces on ice');
    expect(reading).toBe('a rubber ball, an icy floor');
    expect(of(scene, 'sphere').map((b) => b.material)).toEqual(['rubber']);
    expect(scene.ground.friction).toBeLessThan(0.1);
  });

  it.each([
    ['a ramp', 'a ball, a ramp', 'sphere'],
    ['a ball rolls down a ramp', 'a ball, a ramp', 'sphere'],
    ['an ice cube slides down a ramp', 'an icy cube, a ramp', 'box'],
  ] as const)('rolls one body down the same ramp for "%s"', (sentence, reading, shape) => {
    const { scene, reading: read } = readBuiltin(sentence);
    expect(read).toBe(reading);
    expect(scene.objects).toHaveLength(2);
    expect(of(scene, shape)).toHaveLength(1);
    expect(of(scene, 'box', 'static').map((r) => r.size)).toEqual([[9, 0.25, 3.5]]);
  });

  it('settles the marbles of "a glass ball falls into a box of marbles" in the box, and drops the ball on them', () => {
    const { scene, reading } = readBuiltin('a glass ball falls into a box of marbles');
    expect(reading).toBe('a glass ball, a box of marbles');
    const walls = of(scene, 'box', 'static');
    expect(walls).toHaveLength(5);
    expect(of(scene, 'box')).toHaveLength(0);
    // The marbles start in it, below the top of its walls; the ball said to fall into it, above.
    const top = Math.max(...walls.map((w) => w.position[1] + w.size[1] / 2));
    expect(of(scene, 'sphere').filter((b) => b.position[1] < top)).toHaveLength(8);
    expect(of(scene, 'sphere')).toHaveLength(9);
  });

  it('reads the colourful of "a spiral of 50 colorful dominoes", as it paints them', () => {
    const { scene, reading } = readBuiltin('a spiral of 50 colorful dominoes');
    expect(reading).toBe('a spiral of 50 colourful dominoes');
    expect(new Set(of(scene, 'box').map((d) => d.color)).size).toBeGreaterThan(4);
  });

  it.each([
    ['a huge wall of bricks', 'a ball, a wall of huge bricks'],
    ['a blue tower of 8 boxes', 'a ball, a tower of 8 blue boxes'],
  ])('builds the wall or tower of "%s" as said before it', (sentence, reading) => {
    const { scene, reading: read } = readBuiltin(sentence);
    expect(read).toBe(reading);
    const plain = readBuiltin(sentence.replace(/huge |blue /, '')).scene;
    expect(of(scene, 'box').length).toBe(of(plain, 'box').length);
    expect(of(scene, 'box')[0]).not.toEqual(of(plain, 'box')[0]);
  });

  it.each([
    ['a wall of ice', 'a ball, a wall of icy boxes', 'ice'],
    ['a pyramid of glass', 'a ball, a pyramid of glass boxes', 'glass'],
  ])('builds "%s" of boxes of that material', (sentence, reading, material) => {
    const { scene, reading: read } = readBuiltin(sentence);
    expect(read).toBe(reading);
    expect(of(scene, 'box').length).toBeGreaterThan(5);
    expect(new Set(of(scene, 'box').map((b) => b.material))).toEqual(new Set([material]));
  });

  it('reads "a glass of marbles" as some marbles, not one', () => {
    const { scene, reading } = readBuiltin('a glass of marbles');
    expect(reading).toBe('marbles');
    expect(of(scene, 'sphere').length).toBeGreaterThan(1);
  });

  it.each([
    ['a wall of ice and a ball', 'a wall of icy boxes, a ball'],
    ['a wall of red and blue boxes', 'a ball, a wall of red and blue boxes'],
  ])('reads "%s" as said', (sentence, reading) => {
    expect(readBuiltin(sentence).reading).toBe(reading);
  });

  it.each(['dominoes in the shape of a spiral', 'a spiral domino run'])(
    'reads the spiral "%s" builds',
    (sentence) => {
      const { scene, reading } = readBuiltin(sentence);
      expect(reading).toBe('a spiral of dominoes');
      expect(of(scene, 'box')).toHaveLength(20);
    },
  );

  it('builds "a stack" of boxes one on another, and reads it', () => {
    const { scene, reading } = readBuiltin('a stack');
    expect(reading).toBe('a ball, a stack of boxes');
    const boxes = of(scene, 'box');
    expect(boxes).toHaveLength(6);
    expect(Math.max(...boxes.map((b) => b.position[1]))).toBeGreaterThan(4);
  });

  it('reads "a staircase" as one staircase of the usual steps, not one step raised to 2', () => {
    const { scene, reading } = readBuiltin('a staircase');
    expect(reading).toBe('a ball, stairs');
    expect(of(scene, 'box', 'static')).toHaveLength(6);
  });
});
