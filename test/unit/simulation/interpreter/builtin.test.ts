import { describe, expect, it } from 'vitest';
import { interpretBuiltin, readBuiltin } from '../../../../src/simulation/interpreter/builtin/index.js';
import { readPrompt } from '../../../../src/simulation/interpreter/builtin/words.js';
import type { Scene } from '../../../../src/simulation/scene/schema.js';
import { sceneProblems } from '../../../../src/simulation/scene/validate.js';

const dynamic = (scene: Scene) => scene.objects.filter((o) => o.body === 'dynamic');

describe('built-in interpreter', () => {
  it('gives the same scene for the same prompt and seed, and another for another seed', () => {
    const prompt = 'thirty colourful marbles falling';
    expect(interpretBuiltin(prompt, 7)).toEqual(interpretBuiltin(prompt, 7));
    expect(interpretBuiltin(prompt, 7).objects).not.toEqual(interpretBuiltin(prompt, 8).objects);
  });

  it('builds a tower of 20 red boxes and a ball that knocks it over', () => {
    const scene = interpretBuiltin('a tower of 20 red boxes knocked over by a ball');
    const boxes = scene.objects.filter((o) => o.shape === 'box');
    const balls = scene.objects.filter((o) => o.shape === 'sphere');
    expect(boxes).toHaveLength(20);
    expect(new Set(boxes.map((b) => b.color))).toEqual(new Set(['#d8342c']));
    expect(balls).toHaveLength(1);
    const ball = balls[0]!;
    // Thrown from the left, towards the tower.
    expect(ball.velocity[0]).toBeGreaterThan(0);
    expect(ball.position[0]).toBeLessThan(Math.min(...boxes.map((b) => b.position[0])));
    // Stacked: the tower is taller than it is wide.
    expect(Math.max(...boxes.map((b) => b.position[1]))).toBeGreaterThan(3);
  });

  it('reads counts as digits and words', () => {
    expect(readPrompt('twenty-five blue balls').phrases[0]).toMatchObject({ shape: 'sphere', count: 25 });
    expect(readPrompt('a dozen big crates').phrases[0]).toMatchObject({
      shape: 'box',
      count: 12,
      sizeScale: 1.6,
    });
    expect(readPrompt('a hundred tiny cubes').phrases[0]).toMatchObject({ count: 100, sizeScale: 0.4 });
    expect(readPrompt('7 green and yellow cylinders').phrases[0]).toMatchObject({
      shape: 'cylinder',
      count: 7,
      colors: ['#3aa64c', '#f2c218'],
    });
    expect(readPrompt('five bouncing balls for 6 seconds at 60 fps in 480p')).toMatchObject({
      phrases: [{ count: 5 }],
      scenario: 'bouncing',
      duration: 6,
      fps: 60,
      resolution: { width: 854, height: 480 },
    });
  });

  it("reads a number before a unit as a measure, not a count: a length is the body's size, a weight its mass", () => {
    for (const [sentence, read, size, mass] of [
      ['a 2 meter ball falls', 'a 2 m ball', 2, undefined],
      ['a 5m ball falls', 'a 5 m ball', 5, undefined],
      ['a 3 foot ball falls', 'a 0.91 m ball', 0.914, undefined],
      ['a 10 kg ball falls', 'a 10 kg ball', undefined, 10],
      ['a 500 meter ball falls', 'a 50 m ball (capped from 500 m)', 50, undefined],
    ] as const) {
      const { scene, reading } = readBuiltin(sentence, 0);
      const balls = scene.objects.filter((o) => o.shape === 'sphere');
      expect(balls, sentence).toHaveLength(1);
      expect(reading, sentence).toBe(read);
      if (size !== undefined) expect(balls[0]!.size, sentence).toEqual([size, size, size]);
      expect(balls[0]!.mass, sentence).toBe(mass);
    }
    const crate = readBuiltin('a 10 kg crate falls onto 3 balls', 0);
    expect(crate.reading).toBe('a 10 kg crate, 3 balls');
    expect(crate.scene.objects.find((o) => o.shape === 'box')!.mass).toBe(10);
    // Thrown at a target, a lone ball keeps its weight: the thrown ball's own density had won.
    const thrown = readBuiltin('a 20 kg ball rolls into a wall of 12 boxes', 0);
    expect(thrown.scene.objects.find((o) => o.shape === 'sphere')!.mass).toBe(20);
    const big = readBuiltin('a 2 m ball rolls into a tower of 6 boxes', 0);
    expect(big.reading).toBe('a 2 m ball, a tower of 6 boxes');
    expect(big.scene.objects.find((o) => o.shape === 'sphere')!.size).toEqual([2, 2, 2]);
    const { scene, reading } = readBuiltin('4 red balls fall 2 meters onto 3 boxes', 0);
    expect(scene.objects.filter((o) => o.shape === 'sphere')).toHaveLength(4);
    expect(reading).toBe('4 red balls, 3 boxes');
  });

  it('applies a measure said after its noun to that part, bounded, and reads it after the noun', () => {
    const massOf = (scene: Scene, shape: string) => [
      ...new Set(scene.objects.filter((o) => o.shape === shape).map((o) => o.mass)),
    ];
    const sizeOf = (scene: Scene, shape: string) => [
      ...new Set(scene.objects.filter((o) => o.shape === shape).map((o) => o.size[0])),
    ];
    for (const [sentence, read, shape, count, mass, size] of [
      ['10 boxes of 2 kg fall', '10 boxes (2 kg)', 'box', 10, 2, undefined],
      ['ten crates of 5 kg each fall', '10 crates (5 kg)', 'box', 10, 5, undefined],
      [
        'a tower of 15 boxes, each 2 kg, hit by a ball',
        'a tower of 15 boxes (2 kg), a ball',
        'box',
        15,
        2,
        undefined,
      ],
      ['a ball of 3 m falls', 'a ball (3 m)', 'sphere', 1, undefined, 3],
      [
        'a ball of 500 m falls onto 3 boxes',
        'a ball (50 m, capped from 500 m), 3 boxes',
        'sphere',
        1,
        undefined,
        50,
      ],
      [
        'a ball weighing 20 kg rolls into a wall of 12 boxes',
        'a ball (20 kg), a wall of 12 boxes',
        'sphere',
        1,
        20,
        undefined,
      ],
      [
        'a ball 2 m across and 50 kg falls onto 4 crates',
        'a ball (2 m, 50 kg), 4 crates',
        'sphere',
        1,
        50,
        2,
      ],
      [
        'a red ball rolls into a tower of 8 boxes of 2 kg',
        'a red ball, a tower of 8 boxes (2 kg)',
        'box',
        8,
        2,
        undefined,
      ],
    ] as const) {
      const { scene, reading } = readBuiltin(sentence, 0);
      expect(reading, sentence).toBe(read);
      expect(
        scene.objects.filter((o) => o.shape === shape && o.body === 'dynamic'),
        sentence,
      ).toHaveLength(count);
      expect(massOf(scene, shape), sentence).toEqual([mass]);
      if (size !== undefined) expect(sizeOf(scene, shape), sentence).toEqual([size]);
    }
    // After a count, a measure said before the noun is read after it too: "10 2 kg crates" read as 102.
    const counted = readBuiltin('ten 2 kg crates fall into a box', 0);
    expect(counted.reading).toBe('10 crates (2 kg), a box');
    expect(massOf(counted.scene, 'box')).toContain(2);
    // Only the part it follows: the ball keeps its own weight.
    const tower = readBuiltin('a red ball rolls into a tower of 8 boxes of 2 kg', 0).scene;
    expect(massOf(tower, 'sphere')).toEqual([undefined]);
    // A measure after a verb is how far, not how big: "4 balls fall 2 meters".
    expect(readBuiltin('4 red balls fall 2 meters onto 3 boxes', 0).reading).toBe('4 red balls, 3 boxes');
  });

  it('builds one body for a count of none, and reads it as built: "0 balls fall" is a ball, raised from 0', () => {
    for (const [sentence, shape, read] of [
      ['0 balls fall', 'sphere', 'a ball (raised from 0)'],
      ['a tower of 0 boxes', 'box', 'a ball, a tower of 1 box (raised from 0)'],
      ['0 dominoes', 'box', 'a domino (raised from 0)'],
    ] as const) {
      const { scene, reading } = readBuiltin(sentence, 0);
      expect(
        scene.objects.filter((o) => o.shape === shape && o.body === 'dynamic'),
        sentence,
      ).toHaveLength(1);
      expect(reading, sentence).toBe(read);
    }
  });

  it('reads "N by M" and "NxM" as N*M bodies, capped as every count is', () => {
    for (const [sentence, count, read] of [
      ['a grid of 5 by 4 boxes', 20, 'a grid of 20 boxes'],
      ['a grid of 3x3 red boxes', 9, 'a grid of 9 red boxes'],
      ['6 x 2 balls fall', 12, '12 balls'],
      ['a grid of 40 by 40 boxes', 300, 'a grid of 300 boxes (capped from 1600)'],
    ] as const) {
      const { scene, reading } = readBuiltin(sentence, 0);
      expect(dynamic(scene), sentence).toHaveLength(count);
      expect(reading, sentence).toBe(read);
    }
    expect(readPrompt('a grid of 5 by 4 boxes').phrases[0]).toMatchObject({ count: 20 });
  });

  it('keeps a duration the sentence says within what a scene may last, so "0 seconds" is no broken scene', () => {
    expect(interpretBuiltin('a ball falls for 0 seconds').duration).toBe(0.1);
    expect(interpretBuiltin('a ball falls for 0.5 s').duration).toBe(0.5);
    expect(interpretBuiltin('a ball falls for 30 seconds').duration).toBe(20);
  });

  it.each([
    ['a pyramid of 15 blue cubes', 'box', 15],
    ['a stack of 6 crates', 'box', 6],
    ['40 dominoes', 'box', 40],
    ['eight bouncing balls', 'sphere', 8],
    ['five capsules rolling down a ramp', 'capsule', 5],
    ['12 cylinders falling', 'cylinder', 12],
  ] as const)('understands "%s"', (prompt, shape, count) => {
    const scene = interpretBuiltin(prompt);
    expect(sceneProblems(scene)).toEqual([]);
    expect(dynamic(scene).filter((o) => o.shape === shape)).toHaveLength(count);
  });

  it('makes a ramp static and the bouncing balls bouncy', () => {
    const ramp = interpretBuiltin('marbles rolling down a ramp');
    expect(ramp.objects.filter((o) => o.body === 'static')).toHaveLength(1);
    const bouncy = interpretBuiltin('bouncing balls');
    expect(dynamic(bouncy).every((o) => o.restitution >= 0.8)).toBe(true);
  });

  it('starts every body on or above the ground, inside the limits', () => {
    for (const prompt of [
      'a tower of 100 boxes knocked over by a ball',
      '300 tiny balls falling',
      'a pyramid of 55 huge bricks hit by a wrecking ball',
      '50 dominoes knocked over by a ball',
      'a hundred balls rolling down a ramp on the moon',
    ]) {
      const scene = interpretBuiltin(prompt, 3);
      expect(sceneProblems(scene), prompt).toEqual([]);
      for (const o of scene.objects)
        expect(o.position[1] - o.size[1] / 2, prompt).toBeGreaterThanOrEqual(-1e-6);
    }
    expect(interpretBuiltin('balls on the moon').gravity[1]).toBeCloseTo(-1.62);
  });

  it('falls back to a pile of falling boxes when it understands nothing', () => {
    const scene = interpretBuiltin('something nice');
    expect(dynamic(scene).length).toBeGreaterThan(0);
    expect(sceneProblems(scene)).toEqual([]);
  });
});
