import { describe, expect, it } from 'vitest';
import {
  interpretBuiltin,
  readBuiltin,
  readingOf,
} from '../../../../src/simulation/interpreter/builtin/index.js';
import { floatsPerBody, frameOf, simulate } from '../../../../src/simulation/physics/simulate.js';
import type { Scene } from '../../../../src/simulation/scene/schema.js';
import { sceneProblems } from '../../../../src/simulation/scene/validate.js';

type Body = Scene['objects'][number];
const of = (scene: Scene, shape: Body['shape'], body: Body['body'] = 'dynamic') =>
  scene.objects.filter((o) => o.shape === shape && o.body === body);
const centre = (bodies: Body[], k: 0 | 1 | 2) =>
  bodies.reduce((sum, b) => sum + b.position[k], 0) / bodies.length;
const extent = (bodies: Body[], k: 0 | 1 | 2) => ({
  min: Math.min(...bodies.map((b) => b.position[k] - b.size[k] / 2)),
  max: Math.max(...bodies.map((b) => b.position[k] + b.size[k] / 2)),
});

/** True when the camera looks at a point and every body is in front of it. */
function framesAll(scene: Scene): boolean {
  const { position, lookAt } = scene.camera;
  const forward = lookAt.map((v, k) => v - position[k]!);
  return scene.objects.every(
    (o) => o.position.reduce((dot, v, k) => dot + (v - position[k]!) * forward[k]!, 0) > 0,
  );
}

describe('built-in interpreter, sentences with several parts', () => {
  it('rolls eight blue balls down a ramp into a wall of 15 yellow boxes', () => {
    const prompt = 'eight blue balls roll down a ramp into a wall of 15 yellow boxes';
    const scene = interpretBuiltin(prompt);
    const balls = of(scene, 'sphere');
    const wall = of(scene, 'box');
    expect(balls).toHaveLength(8);
    expect(new Set(balls.map((b) => b.color))).toEqual(new Set(['#2f6fd6']));
    expect(wall).toHaveLength(15);
    expect(new Set(wall.map((b) => b.color))).toEqual(new Set(['#f2c218']));
    const ramp = of(scene, 'box', 'static');
    expect(ramp).toHaveLength(1);
    // The wall stands beyond the foot of the ramp, across the balls' path (z), the balls uphill.
    const rampFoot = ramp[0]!.position[0] + (ramp[0]!.size[0] / 2) * Math.cos((18 * Math.PI) / 180);
    expect(extent(wall, 0).min).toBeGreaterThan(rampFoot);
    expect(extent(wall, 2).min).toBeLessThan(centre(balls, 2));
    expect(extent(wall, 2).max).toBeGreaterThan(centre(balls, 2));
    expect(Math.max(...balls.map((b) => b.position[0]))).toBeLessThan(extent(wall, 0).min);
    expect(Math.min(...balls.map((b) => b.position[1]))).toBeGreaterThan(1);
    expect(framesAll(scene)).toBe(true);
    expect(sceneProblems(scene)).toEqual([]);
    expect(readingOf(prompt)).toBe('8 blue balls, a ramp, a wall of 15 yellow boxes');
  });

  it('drops a heavy steel ball from above a pyramid of wooden crates', () => {
    const prompt = 'a heavy steel ball falls onto a pyramid of wooden crates';
    const scene = interpretBuiltin(prompt);
    const [ball, ...rest] = of(scene, 'sphere');
    const crates = of(scene, 'box');
    expect(rest).toHaveLength(0);
    expect(crates.length).toBeGreaterThanOrEqual(6);
    expect(new Set(crates.map((c) => c.color))).toEqual(new Set(['#b9895a']));
    expect(ball!.metalness).toBeGreaterThan(0.5);
    expect(ball!.density).toBeGreaterThan(2000);
    // Above the top of the pyramid and within its footprint.
    expect(ball!.position[1]).toBeGreaterThan(extent(crates, 1).max);
    expect(ball!.position[0]).toBeGreaterThan(extent(crates, 0).min);
    expect(ball!.position[0]).toBeLessThan(extent(crates, 0).max);
    expect(readingOf(prompt)).toBe('a heavy steel ball, a pyramid of wooden crates');
  });

  it('drops three red balls and two green cylinders into an open glass box', () => {
    const prompt = 'three red balls and two green cylinders drop into a glass box';
    const scene = interpretBuiltin(prompt);
    const balls = of(scene, 'sphere');
    const cylinders = of(scene, 'cylinder');
    const panels = of(scene, 'box', 'static');
    expect(balls).toHaveLength(3);
    expect(new Set(balls.map((b) => b.color))).toEqual(new Set(['#d8342c']));
    expect(cylinders).toHaveLength(2);
    expect(new Set(cylinders.map((b) => b.color))).toEqual(new Set(['#3aa64c']));
    expect(panels).toHaveLength(5);
    const box = { x: extent(panels, 0), y: extent(panels, 1), z: extent(panels, 2) };
    for (const body of [...balls, ...cylinders]) {
      expect(body.position[0]).toBeGreaterThan(box.x.min);
      expect(body.position[0]).toBeLessThan(box.x.max);
      expect(body.position[2]).toBeGreaterThan(box.z.min);
      expect(body.position[2]).toBeLessThan(box.z.max);
      expect(body.position[1]).toBeGreaterThan(box.y.max);
    }
    expect(readingOf(prompt)).toBe('3 red balls, 2 green cylinders, a glass box');
  });

  it('rolls a bowling ball along the ground at ten pins', () => {
    const prompt = 'a bowling ball knocks down ten pins';
    const scene = interpretBuiltin(prompt);
    const [ball] = of(scene, 'sphere');
    const pins = of(scene, 'cylinder');
    expect(pins).toHaveLength(10);
    expect(ball!.position[0]).toBeLessThan(extent(pins, 0).min);
    expect(ball!.velocity[0]).toBeGreaterThan(0);
    // Aimed at the pins: it moves along x, level with them, in line with the triangle.
    expect(ball!.position[2]).toBeGreaterThan(extent(pins, 2).min);
    expect(ball!.position[2]).toBeLessThan(extent(pins, 2).max);
    expect(ball!.position[1]).toBeLessThan(extent(pins, 1).max);
    expect(readingOf(prompt)).toBe('a bowling ball, 10 pins');
  });

  it('pours marbles down stairs from the top step', () => {
    const prompt = 'marbles pour down stairs';
    const scene = interpretBuiltin(prompt);
    const steps = of(scene, 'box', 'static');
    const marbles = of(scene, 'sphere');
    expect(steps.length).toBeGreaterThanOrEqual(4);
    expect(marbles.length).toBeGreaterThan(1);
    const top = steps.reduce((a, b) => (a.size[1] > b.size[1] ? a : b));
    for (const m of marbles) expect(m.position[1]).toBeGreaterThan(top.size[1]);
    expect(readingOf(prompt)).toBe('marbles, stairs');
    expect(framesAll(scene)).toBe(true);
  });

  it('reads "stairs of N steps" as one staircase of N steps, at most 30, and rolls a ball down stairs that carry nothing', () => {
    for (const [prompt, count, read] of [
      ['stairs of 500 steps', 30, 'a ball, stairs of 30 steps (capped from 500)'],
      ['3 balls roll down a staircase of 10 steps', 10, '3 balls, stairs of 10 steps'],
      ['marbles pour down stairs with 4 steps', 4, 'marbles, stairs of 4 steps'],
    ] as const) {
      const scene = interpretBuiltin(prompt);
      const steps = of(scene, 'box', 'static');
      expect(steps, prompt).toHaveLength(count);
      const top = steps.reduce((a, b) => (a.size[1] > b.size[1] ? a : b));
      const movers = of(scene, 'sphere');
      expect(movers.length, prompt).toBeGreaterThan(0);
      for (const m of movers) expect(m.position[1], prompt).toBeGreaterThan(top.size[1]);
      expect(readingOf(prompt)).toBe(read);
      expect(framesAll(scene), prompt).toBe(true);
    }
  });

  it('swings a wrecking ball on a chain at a tower it names after the ball', () => {
    const scene = interpretBuiltin('a red wrecking ball smashes a tower of green crates');
    const [ball] = of(scene, 'sphere');
    const crates = of(scene, 'box');
    expect(ball!.color).toBe('#d8342c');
    expect(new Set(crates.map((c) => c.color))).toEqual(new Set(['#3aa64c']));
    expect(ball!.position[0]).toBeLessThan(extent(crates, 0).min);
    // Let go from the side, held from above: a chain of links and a rope to the pivot.
    expect(ball!.velocity).toEqual([0, 0, 0]);
    const rope = scene.joints.find((j) => j.kind === 'rope')!;
    expect(rope.a).toBe(ball!.id);
    expect(rope.anchorB[1]).toBeGreaterThan(ball!.position[1]);
    expect(of(scene, 'capsule').length).toBeGreaterThanOrEqual(4);
    expect(readingOf('a red wrecking ball smashes a tower of green crates')).toMatch(
      /wrecking ball on a chain/,
    );
  });

  it('still gives a valid scene, and says so, for a sentence it cannot read', () => {
    const scene = interpretBuiltin('the feeling of a quiet Sunday');
    expect(scene.objects.length).toBeGreaterThan(0);
    expect(sceneProblems(scene)).toEqual([]);
    expect(readingOf('the feeling of a quiet Sunday')).toMatch(/nothing/);
  });

  it("shares the scene's body limit between parts that each ask for hundreds", () => {
    for (const sentence of [
      '400 blue balls roll down a ramp into a wall of 400 yellow boxes',
      '300 red balls and 300 green cylinders drop into a glass box',
      '1000 marbles fall onto a pyramid of 1000 crates',
      'a ring of 400 pins around a tower of 400 boxes',
    ]) {
      const scene = interpretBuiltin(sentence, 0);
      expect(sceneProblems(scene), sentence).toEqual([]);
      // Both parts are there, each with a fair share, not one of them crowded out.
      expect(scene.objects.length, sentence).toBeGreaterThan(400);
    }
    const shared = interpretBuiltin('400 blue balls roll down a ramp into a wall of 400 yellow boxes', 0);
    expect(shared.objects.filter((o) => o.shape === 'sphere').length).toBeGreaterThan(150);
    expect(shared.objects.filter((o) => o.shape === 'box' && o.body === 'dynamic').length).toBeGreaterThan(
      150,
    );
  });

  it.each([
    ['1000 red boxes fall onto a ramp', 'box', '120 red boxes (capped from 1000), a ramp'],
    ['400 marbles pour down stairs', 'sphere', '300 marbles (capped from 400), stairs'],
    ['900 boxes fall', 'box', '498 boxes (capped from 900)'],
    ['a tower of 900 boxes', 'box', 'a ball, a tower of 300 boxes (capped from 900)'],
  ] as const)('reads "%s" with the count its scene holds', (prompt, shape, reading) => {
    const { scene, reading: read } = readBuiltin(prompt);
    expect(read).toBe(reading);
    expect(read).toContain(`${of(scene, shape).length} `);
    // The CLI and chat print what interpretPrompt carries: the same reading.
    expect(readingOf(prompt)).toBe(reading);
  });

  it('reads the counts that parts sharing the body limit were scaled down to', () => {
    const prompt = '400 blue balls roll down a ramp into a wall of 400 yellow boxes';
    const { scene, reading } = readBuiltin(prompt);
    const balls = of(scene, 'sphere').length;
    const boxes = of(scene, 'box').length;
    expect(reading).toBe(
      `${balls} blue balls (capped from 400), a ramp, a wall of ${boxes} yellow boxes (capped from 400)`,
    );
    expect(balls).toBeLessThan(400);
    expect(readingOf("a newton's cradle of 50 balls")).toBe("a Newton's cradle of 9 balls (capped from 50)");
    // Counts within the limits are read as said, with no note.
    expect(readingOf('8 blue balls roll down a ramp into a wall of 15 yellow boxes')).not.toMatch(/capped/);
  });

  it('builds an arrangement named on its own, and keeps size words in the reading', () => {
    const wall = of(interpretBuiltin('a wall of boxes'), 'box');
    expect(wall).toHaveLength(15);
    // A wall across x: wide in z, one body deep in x.
    expect(extent(wall, 2).max - extent(wall, 2).min).toBeGreaterThan(2);
    expect(extent(wall, 0).max - extent(wall, 0).min).toBeLessThan(1);
    expect(readingOf('a giant ball smashes through a wall of 60 tiny bricks')).toBe(
      'a giant ball, a wall of 60 tiny bricks',
    );
  });

  it.each([
    'a ball next to a tower of red blocks',
    'ten balls fall on a grid of 16 cubes',
    'a pile of 30 crates hit by a huge ball',
    'five marbles roll down a ramp into ten pins',
    '50 balls drop into a box',
    'a cube on top of a cylinder',
    'balls thrown at a tower of 40 cans',
    '200 marbles pour down stairs into a row of 10 blocks',
    'a ring of 12 barrels around a big ball',
    'on into at',
  ])('gives a valid, framed scene with nothing under the ground for "%s"', (prompt) => {
    const scene = interpretBuiltin(prompt);
    expect(sceneProblems(scene)).toEqual([]);
    expect(framesAll(scene)).toBe(true);
    for (const o of scene.objects) expect(o.position[1] - o.size[1] / 2).toBeGreaterThan(-0.01);
  });
});

describe('built-in interpreter, what moves and what is hit', () => {
  const moving = (bodies: Body[]) => bodies.filter((b) => b.velocity.some((v) => v !== 0));

  it('throws the ball at the tower and stands the pyramid joined by "and" beside it, still', () => {
    const prompt = 'a ball rolls into a tower of 10 boxes and a pyramid of 6 crates';
    const built = readBuiltin(prompt);
    expect(built.reading).toBe('a ball, a tower of 10 boxes, a pyramid of 6 crates');
    const [ball, ...others] = of(built.scene, 'sphere');
    expect(others).toHaveLength(0);
    expect(ball!.velocity[0]).toBeGreaterThan(0);
    const boxes = of(built.scene, 'box');
    expect(boxes).toHaveLength(16);
    expect(moving(boxes)).toEqual([]);
    // The tower stands where the ball's line meets it; the pyramid next to it, off that line.
    const onLine = boxes.filter((b) => Math.abs(b.position[2] - ball!.position[2]) < b.size[2] / 2);
    expect(onLine).toHaveLength(10);
    const pyramid = boxes.filter((b) => !onLine.includes(b));
    expect(extent(pyramid, 2).max).toBeLessThan(extent(onLine, 2).min);
    // Beside the tower, not far off: it is a target, the two filmed together.
    expect(extent(onLine, 2).min - extent(pyramid, 2).max).toBeLessThan(2);
    // To the tower's right as the camera sees them, not hidden straight behind it.
    expect(centre(pyramid, 0)).toBeGreaterThan(extent(onLine, 0).max);
    expect(framesAll(built.scene)).toBe(true);
    expect(sceneProblems(built.scene)).toEqual([]);
  });

  it('aims two balls at the wall and stands the tower of cylinders joined to it beside the wall', () => {
    const built = readBuiltin('two balls smash into a wall of boxes and a tower of cylinders');
    expect(built.reading).toBe('2 balls, a wall of boxes, a tower of cylinders');
    const balls = of(built.scene, 'sphere');
    expect(moving(balls)).toHaveLength(2);
    const cylinders = of(built.scene, 'cylinder');
    expect(cylinders.length).toBeGreaterThan(3);
    expect(moving([...cylinders, ...of(built.scene, 'box')])).toEqual([]);
    // A tower: stacked, one above another.
    expect(extent(cylinders, 1).max).toBeGreaterThan(2 * cylinders[0]!.size[1]);
  });

  it('reads a part after "and" with a verb of its own as one that moves: "... and three cubes fall"', () => {
    const built = readBuiltin('a ball rolls into a tower of 10 boxes and three cubes fall from the sky');
    expect(built.reading).toBe('a ball, a tower of 10 boxes, 3 cubes');
    const boxes = of(built.scene, 'box');
    expect(boxes).toHaveLength(13);
    const tower = boxes.filter((b) => b.size[1] > 0.6);
    const cubes = boxes.filter((b) => !tower.includes(b));
    expect(cubes).toHaveLength(3);
    expect(extent(cubes, 1).min).toBeGreaterThan(extent(tower, 1).max);
  });

  it.each([
    ['a bowling ball rolls into 10 pins and they tumble', 'cylinder'],
    ['a ball falls off the table and rolls into a wall of 12 boxes', 'box'],
    ['three balls hit a tower of 10 cans while snow falls', 'cylinder'],
    ['a ball smashes into a tower of 8 boxes that falls over', 'box'],
    ['3 balls roll into a pyramid of 10 crates which falls apart', 'box'],
    ['a ball rolls into a tower of 10 boxes and three cubes fall from the sky', 'box'],
  ] as const)('throws what rolls into its target though another verb falls: "%s"', (prompt, hit) => {
    const scene = interpretBuiltin(prompt);
    const balls = of(scene, 'sphere');
    const target = of(scene, hit).filter((b) => !moving([b]).length);
    expect(balls.length).toBeGreaterThan(0);
    expect(moving(balls)).toHaveLength(balls.length);
    for (const b of balls) {
      expect(b.velocity[0], prompt).toBeGreaterThan(0);
      expect(b.position[0], prompt).toBeLessThan(extent(target, 0).min);
    }
  });

  it.each([
    'a ball rolls off the table and falls into a tower of 10 boxes',
    'drop a ball into a pyramid of 10 crates',
    'three balls are dropped into a wall of 12 boxes',
  ])('drops what falls into its target from above it: "%s"', (prompt) => {
    const scene = interpretBuiltin(prompt);
    const balls = of(scene, 'sphere');
    const boxes = of(scene, 'box');
    expect(balls.length).toBeGreaterThan(0);
    expect(moving(balls)).toEqual([]);
    for (const b of balls) expect(b.position[1], prompt).toBeGreaterThan(extent(boxes, 1).max);
  });

  it('drops every part of a list that falls into its target: "a ball and a cube fall into a pyramid"', () => {
    const scene = interpretBuiltin('a ball and a cube fall into a pyramid');
    expect(moving(scene.objects)).toEqual([]);
    const boxes = of(scene, 'box').sort((a, b) => a.position[1] - b.position[1]);
    expect(boxes).toHaveLength(11);
    const pyramid = boxes.slice(0, 10);
    for (const body of [...of(scene, 'sphere'), boxes[10]!])
      expect(body.position[1]).toBeGreaterThan(extent(pyramid, 1).max);
  });

  it('moves every part named before the relation word: a ball and a cube both roll into a pyramid', () => {
    const built = readBuiltin('a ball and a cube roll into a pyramid');
    expect(built.reading).toBe('a ball, a cube, a pyramid of boxes');
    const thrown = moving(built.scene.objects);
    expect(thrown.map((b) => b.shape).sort()).toEqual(['box', 'sphere']);
    const pyramid = of(built.scene, 'box').filter((b) => !thrown.includes(b));
    expect(pyramid).toHaveLength(10);
    for (const b of thrown) expect(b.position[0]).toBeLessThan(extent(pyramid, 0).min);
  });

  it.each(['three balls hit a tower of 10 cans', 'two balls smash a tower of 10 cans'])(
    'reads the plural verb as what is hit: "%s" throws the balls at the tower',
    (prompt) => {
      const scene = interpretBuiltin(prompt);
      const balls = of(scene, 'sphere');
      expect(balls.length).toBeGreaterThan(1);
      expect(moving(balls)).toHaveLength(balls.length);
      const cans = of(scene, 'cylinder');
      expect(cans).toHaveLength(10);
      for (const b of balls) expect(b.position[0]).toBeLessThan(extent(cans, 0).min);
    },
  );

  it('throws a few things as big and heavy as a lone ball, so the pyramid they hit falls', async () => {
    const scene = interpretBuiltin('a ball and a cube roll into a pyramid');
    const pyramid = scene.objects.flatMap((o, i) => (o.velocity.every((v) => v === 0) ? [i] : []));
    expect(pyramid).toHaveLength(10);
    const trajectory = await simulate({ ...scene, duration: 2, fps: 24 });
    const end = frameOf(trajectory, trajectory.frames - 1);
    const fallen = pyramid.filter((i) => {
      const start = scene.objects[i]!.position;
      return Math.hypot(end[i * floatsPerBody]! - start[0], end[i * floatsPerBody + 2]! - start[2]) > 0.3;
    });
    expect(fallen.length).toBeGreaterThan(5);
  });
});
