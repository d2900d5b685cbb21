import { describe, expect, it } from 'vitest';
import {
  interpretBuiltin,
  readBuiltin,
  readingOf,
} from '../../../../src/simulation/interpreter/builtin/index.js';
import {
  floatsPerBody,
  frameOf,
  simulate,
  type Trajectory,
} from '../../../../src/simulation/physics/simulate.js';
import { cameraAt } from '../../../../src/simulation/renderer/camera.js';
import type { Scene } from '../../../../src/simulation/scene/schema.js';
import { sceneProblems } from '../../../../src/simulation/scene/validate.js';

const at = (trajectory: Trajectory, frame: number, body: number) =>
  Array.from(frameOf(trajectory, frame).subarray(body * floatsPerBody, body * floatsPerBody + 7));
const last = (trajectory: Trajectory) => trajectory.frames - 1;
const index = (scene: Scene, id: string) => scene.objects.findIndex((o) => o.id === id);

/** A shorter, smaller copy for the physics: the scene as read, filmed for `seconds`. */
const briefly = (scene: Scene, seconds: number): Scene => ({ ...scene, duration: seconds, fps: 24 });

/** How many of `scene`'s loose boxes three seconds of physics carry more than half a metre sideways. */
async function boxesKnockedAside(scene: Scene): Promise<number> {
  const boxes = scene.objects.flatMap((o, i) => (o.shape === 'box' && o.body === 'dynamic' ? [i] : []));
  const trajectory = await simulate(briefly(scene, 3));
  return boxes.filter((i) => {
    const start = scene.objects[i]!.position;
    const end = at(trajectory, last(trajectory), i);
    return Math.hypot(end[0]! - start[0], end[2]! - start[2]) > 0.5;
  }).length;
}

/**
 * Checks a five-ball cradle over its first swing, as in the toy: the last ball flies out, and when
 * it is furthest out the first hangs still below its pivot and the middle ones have not moved.
 */
async function expectTheBlowToPassThrough(scene: Scene): Promise<void> {
  const trajectory = await simulate(briefly(scene, 1.5));
  const lastBall = index(scene, 'ball-4');
  const xs = Array.from({ length: trajectory.frames }, (_, f) => at(trajectory, f, lastBall)[0]!);
  const furthest = Math.max(...xs);
  expect(furthest - scene.objects[lastBall]!.position[0]).toBeGreaterThan(0.3);
  const out = xs.indexOf(furthest);
  const pivots = scene.joints.filter((j) => j.kind === 'revolute').map((j) => j.anchorB[0]!);
  for (const i of [0, 1, 2, 3]) {
    const x = at(trajectory, out, index(scene, `ball-${i}`))[0]!;
    expect(Math.abs(x - pivots[i]!), `ball ${i}`).toBeLessThan(0.1);
  }
}

describe('built-in interpreter, scenes held by joints', () => {
  it("swings the first ball of a Newton's cradle into the row, and the last one flies out", async () => {
    const prompt = "a newton's cradle with 5 steel balls";
    const scene = interpretBuiltin(prompt);
    expect(sceneProblems(scene)).toEqual([]);
    expect(readingOf(prompt)).toBe("a Newton's cradle of 5 balls");
    expect(scene.joints.filter((j) => j.kind === 'revolute')).toHaveLength(5);
    await expectTheBlowToPassThrough(scene);
  });

  it("frames a Newton's cradle on its stand, which fills most of the picture's width", () => {
    const scene = interpretBuiltin('a newtons cradle');
    const { viewProjection: m } = cameraAt(scene, 0, 16 / 9);
    const stand = scene.objects.filter((o) => o.body === 'static');
    const xs = stand.flatMap((o) =>
      [-1, 1].flatMap((sx) =>
        [-1, 1].map((sy) => {
          const p = [0, 1, 2].map((k) => o.position[k]! + [sx, sy, 0][k]! * (o.size[k]! / 2));
          const w = m[3]! * p[0]! + m[7]! * p[1]! + m[11]! * p[2]! + m[15]!;
          return (m[0]! * p[0]! + m[4]! * p[1]! + m[8]! * p[2]! + m[12]!) / w;
        }),
      ),
    );
    // In the picture, from left edge (-1) to right edge (1): all of it, and over 60 % of the width.
    expect(Math.min(...xs)).toBeGreaterThan(-1);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(1.2);
  });

  it('drops a weight on one end of a seesaw and the ball on the other end goes up', async () => {
    const scene = interpretBuiltin('a seesaw launches a red ball');
    expect(readingOf('a seesaw launches a red ball')).toMatch(/seesaw/);
    const trajectory = await simulate(briefly(scene, 2.5));
    const rider = index(scene, 'rider');
    const plank = index(scene, 'plank');
    const heights = Array.from({ length: trajectory.frames }, (_, f) => at(trajectory, f, rider)[1]!);
    expect(Math.max(...heights)).toBeGreaterThan(scene.objects[rider]!.position[1] + 1);
    // The plank turned on its hinge and stayed on it.
    const [x, y] = at(trajectory, last(trajectory), plank);
    expect(Math.hypot(x!, y! - 1)).toBeLessThan(0.1);
  });

  it('swings a gate open on its hinge when a ball hits it', async () => {
    const scene = interpretBuiltin('a ball is thrown at a wooden gate');
    expect(scene.joints).toEqual([expect.objectContaining({ kind: 'revolute', a: 'gate', axis: [0, 1, 0] })]);
    const trajectory = await simulate(briefly(scene, 2));
    const gate = index(scene, 'gate');
    const [, , , qx, qy, qz, qw] = at(trajectory, last(trajectory), gate);
    // Turned about y by more than 20 degrees, and about nothing else.
    expect(2 * Math.asin(Math.min(1, Math.abs(qy!)))).toBeGreaterThan((20 * Math.PI) / 180);
    expect(Math.abs(qx!) + Math.abs(qz!)).toBeLessThan(0.05);
    expect(qw).toBeDefined();
  });

  it('lets a chain of links fall from level and hang from its bar without coming apart', async () => {
    const scene = interpretBuiltin('a chain of 10 links swings from a bar');
    expect(readingOf('a chain of 10 links swings from a bar')).toBe(
      'a chain of 10 links swinging from a bar',
    );
    const trajectory = await simulate(briefly(scene, 3));
    const links = scene.objects.filter((o) => o.shape === 'capsule').length;
    expect(links).toBe(10);
    const end = at(trajectory, last(trajectory), links - 1);
    const pivot = scene.joints[0]!.anchorB;
    // It hangs: below the pivot, within the chain's length of it, above the ground.
    expect(end[1]!).toBeLessThan(pivot[1]! - 2);
    expect(Math.hypot(end[0]! - pivot[0]!, end[1]! - pivot[1]!)).toBeLessThan(10 * 0.45 * 1.1);
    expect(end[1]!).toBeGreaterThan(0);
  });

  it('pours marbles into a bowl, where they stay, and through a funnel, out of which they run', async () => {
    const bowl = interpretBuiltin('30 marbles poured into a bowl');
    expect(readingOf('30 marbles poured into a bowl')).toBe('30 marbles poured into a bowl');
    const inBowl = await simulate(briefly(bowl, 3));
    const marbles = bowl.objects.flatMap((o, i) => (o.shape === 'sphere' ? [i] : []));
    expect(marbles).toHaveLength(30);
    for (const i of marbles) {
      const [x, y, z] = at(inBowl, last(inBowl), i);
      expect(Math.hypot(x!, z!)).toBeLessThan(2.4);
      expect(y!).toBeGreaterThan(0.1);
    }
    const funnel = interpretBuiltin('20 marbles pour through a funnel');
    const through = await simulate(briefly(funnel, 4));
    const below = funnel.objects
      .flatMap((o, i) => (o.shape === 'sphere' ? [i] : []))
      .filter((i) => at(through, last(through), i)[1]! < 1.6);
    expect(below.length).toBeGreaterThan(10);
  });

  it('knocks boxes off the tower with a wrecking ball on a chain', async () => {
    const scene = interpretBuiltin('a wrecking ball on a chain smashes a tower of 8 boxes');
    expect(await boxesKnockedAside(scene)).toBeGreaterThan(2);
  });
});

describe('built-in interpreter, contraptions and the other things a sentence names', () => {
  const dynamic = (scene: Scene, shape: Scene['objects'][number]['shape']) =>
    scene.objects.filter((o) => o.shape === shape && o.body === 'dynamic');

  it.each([
    [
      'a newtons cradle with 5 balls and 3 boxes',
      "a Newton's cradle of 5 balls, 3 boxes",
      { sphere: 5, box: 3 },
    ],
    [
      'a newtons cradle with 3 red boxes and 4 balls',
      "a Newton's cradle of 4 balls, 3 red boxes",
      { sphere: 4, box: 3 },
    ],
    ['a newtons cradle and 3 boxes', "a Newton's cradle of 5 balls, 3 boxes", { sphere: 5, box: 3 }],
    [
      'a seesaw launches a red ball next to a tower of 8 blue boxes',
      'a seesaw with a ball on one end and a weight dropped on the other, a tower of 8 blue boxes',
      { sphere: 1, box: 2 + 8 },
    ],
    [
      'a chain of 10 links and 4 cylinders',
      'a chain of 10 links swinging from a bar, 4 cylinders',
      { cylinder: 4 },
    ],
    [
      '20 marbles pour into a bowl and 3 cubes',
      '20 marbles poured into a bowl, 3 cubes',
      { sphere: 20, box: 3 },
    ],
    [
      'a pendulum swings beside a pyramid of 6 red crates',
      'a ball swinging on a chain, a pyramid of 6 red crates',
      { sphere: 1, box: 6 },
    ],
  ] as const)('"%s" is read as "%s" and holds those bodies', (prompt, reading, bodies) => {
    const built = readBuiltin(prompt);
    expect(built.reading).toBe(reading);
    for (const shape of ['box', 'sphere'] as const)
      expect(dynamic(built.scene, shape), shape).toHaveLength((bodies as Record<string, number>)[shape] ?? 0);
    expect(sceneProblems(built.scene)).toEqual([]);
  });

  it('swings a pendulum that smashes a tower into it, as a wrecking ball, rather than standing the tower aside', async () => {
    const prompt = 'a pendulum smashes a tower of 8 boxes';
    const scene = interpretBuiltin(prompt);
    expect(readingOf(prompt)).toBe('a pendulum, a tower of 8 boxes');
    expect(scene.joints.filter((j) => j.kind === 'rope')).toHaveLength(1);
    expect(scene.objects.filter((o) => o.shape === 'box' && o.body === 'dynamic')).toHaveLength(8);
    expect(await boxesKnockedAside(scene)).toBeGreaterThan(2);
  });

  it('paints a contraption as its own parts say, never as the parts beside it', () => {
    const plain = interpretBuiltin('a newtons cradle');
    const beside = interpretBuiltin('a newtons cradle and 3 red boxes');
    const colours = (scene: Scene) => dynamic(scene, 'sphere').map((o) => o.color);
    expect(colours(beside)).toEqual(colours(plain));
    expect(new Set(dynamic(beside, 'box').map((o) => o.color))).toEqual(new Set(['#d8342c']));
    const blue = interpretBuiltin('a newtons cradle with 3 red boxes and 4 blue balls');
    expect(new Set(colours(blue))).toEqual(new Set(['#2f6fd6']));
  });

  it('stands the other parts behind the cradle, clear of its swing, and the cradle still works', async () => {
    const scene = interpretBuiltin('a newtons cradle with 5 balls and 3 boxes');
    const boxes = scene.objects.flatMap((o, i) => (o.shape === 'box' && o.body === 'dynamic' ? [i] : []));
    expect(boxes).toHaveLength(3);
    const cradle = scene.objects.filter((o) => o.body === 'static' || o.id);
    const cradleBack = Math.min(...cradle.map((o) => o.position[2] - o.size[2] / 2));
    for (const i of boxes) {
      expect(scene.objects[i]!.position[2] + scene.objects[i]!.size[2] / 2).toBeLessThan(cradleBack);
      // Near it: in the picture with it, not metres off.
      expect(scene.objects[i]!.position[2]).toBeGreaterThan(cradleBack - 2.5);
    }
    await expectTheBlowToPassThrough(scene);
  });
});
