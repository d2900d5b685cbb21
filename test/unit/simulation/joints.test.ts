import { describe, expect, it } from 'vitest';
import {
  floatsPerBody,
  frameOf,
  simulate,
  type Trajectory,
} from '../../../src/simulation/physics/simulate.js';
import { clampSceneInput } from '../../../src/simulation/scene/clamp.js';
import { parseScene, sceneProblems } from '../../../src/simulation/scene/validate.js';

const positionOf = (trajectory: Trajectory, frame: number, body: number) =>
  Array.from(frameOf(trajectory, frame).subarray(body * floatsPerBody, body * floatsPerBody + 3));

const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

describe('joints', () => {
  it('swings a ball on a spherical joint to the world: a pendulum that keeps its length', async () => {
    const pivot = [0, 6, 0];
    const scene = parseScene({
      duration: 3,
      ground: { enabled: false },
      objects: [{ id: 'bob', shape: 'sphere', size: [0.5, 0.5, 0.5], position: [2, 6, 0] }],
      joints: [{ kind: 'spherical', a: 'bob', anchorA: [-2, 0, 0], anchorB: pivot }],
    });
    const trajectory = await simulate(scene);
    const xs: number[] = [];
    for (let f = 0; f < trajectory.frames; f++) {
      const p = positionOf(trajectory, f, 0);
      expect(distance(p, pivot)).toBeCloseTo(2, 1);
      xs.push(p[0]!);
    }
    // Released level with the pivot, it swings through the bottom to the far side.
    expect(Math.min(...xs)).toBeLessThan(-1.5);
  });

  it('holds a chain of links together with spherical joints, and turns a seesaw on its hinge', async () => {
    const links = Array.from({ length: 5 }, (_, i) => ({
      id: `link${i}`,
      shape: 'capsule' as const,
      size: [0.2, 0.6, 0.2] as [number, number, number],
      position: [0, 8 - i * 0.5, 0] as [number, number, number],
    }));
    const scene = parseScene({
      duration: 2,
      objects: [
        ...links,
        { id: 'plank', shape: 'box', size: [4, 0.2, 0.6], position: [6, 1, 0] },
        { id: 'rock', shape: 'box', size: [0.5, 0.5, 0.5], position: [7.5, 3, 0], density: 3000 },
      ],
      joints: [
        { kind: 'spherical', a: 'link0', anchorA: [0, 0.25, 0], anchorB: [0, 8.25, 0] },
        ...links.slice(1).map((_, i) => ({
          kind: 'spherical' as const,
          a: `link${i}`,
          b: `link${i + 1}`,
          anchorA: [0, -0.25, 0] as [number, number, number],
          anchorB: [0, 0.25, 0] as [number, number, number],
        })),
        { kind: 'revolute', a: 'plank', anchorA: [0, 0, 0], anchorB: [6, 1, 0], axis: [0, 0, 1] },
      ],
    });
    const trajectory = await simulate(scene);
    const last = trajectory.frames - 1;
    // The chain hangs from its pivot: the last link is still about 2 m below it, not on the ground.
    expect(positionOf(trajectory, last, 4)[1]).toBeGreaterThan(5.5);
    // The rock lands on the plank's right end, which goes down; its centre stays on the hinge.
    const plank = positionOf(trajectory, last, 5);
    expect(distance(plank, [6, 1, 0])).toBeLessThan(0.05);
    const q = Array.from(frameOf(trajectory, last).subarray(5 * floatsPerBody + 3, 5 * floatsPerBody + 7));
    expect(Math.abs(q[2]!)).toBeGreaterThan(0.1);
  });

  it('keeps a rope from stretching past its length and welds with a fixed joint', async () => {
    const scene = parseScene({
      duration: 2,
      ground: { enabled: false },
      objects: [
        { id: 'weight', shape: 'box', size: [0.4, 0.4, 0.4], position: [0, 9, 0] },
        { id: 'tag', shape: 'box', size: [0.2, 0.2, 0.2], position: [0.4, 9, 0] },
      ],
      joints: [
        { kind: 'rope', a: 'weight', anchorB: [0, 10, 0], length: 3 },
        { kind: 'fixed', a: 'weight', b: 'tag', anchorA: [0.2, 0, 0], anchorB: [-0.2, 0, 0] },
      ],
    });
    const trajectory = await simulate(scene);
    for (let f = 0; f < trajectory.frames; f++) {
      expect(distance(positionOf(trajectory, f, 0), [0, 10, 0])).toBeLessThan(3.05);
      expect(distance(positionOf(trajectory, f, 0), positionOf(trajectory, f, 1))).toBeCloseTo(0.4, 1);
    }
    // It fell until the rope went taut.
    expect(positionOf(trajectory, trajectory.frames - 1, 0)[1]).toBeCloseTo(7, 0);
  });

  it('names each bad joint by its path', () => {
    const objects = [
      { id: 'a', shape: 'box', size: [1, 1, 1], position: [0, 1, 0] },
      { id: 'twin', shape: 'box', size: [1, 1, 1], position: [2, 1, 0] },
      { id: 'twin', shape: 'box', size: [1, 1, 1], position: [4, 1, 0] },
    ];
    expect(
      sceneProblems({
        objects,
        joints: [
          { kind: 'hinge', a: 'a' },
          { kind: 'spherical', a: 'a', b: 'ghost' },
          { kind: 'fixed', a: 'a', b: 'twin' },
          { kind: 'rope', a: 'a' },
          { kind: 'revolute', a: 'a', b: 'a', axis: [0, 0, 0] },
        ],
      }),
    ).toEqual([
      'joints[0].kind must be one of revolute, spherical, fixed, rope',
      'joints[4].axis must not be [0, 0, 0]',
    ]);
    // The cross-references are checked once every field has a valid shape.
    expect(
      sceneProblems({
        objects,
        joints: [
          { kind: 'spherical', a: 'a', b: 'ghost' },
          { kind: 'fixed', a: 'a', b: 'twin' },
          { kind: 'rope', a: 'a' },
          { kind: 'revolute', a: 'a', b: 'a' },
        ],
      }),
    ).toEqual([
      // A repeated id is refused where it repeats, so no joint can hold the wrong one of the two.
      'objects[2].id has "twin", which objects[1] has already: each id must be unique',
      'joints[0].b has "ghost", which no object has as its id',
      'joints[2].length must be set for a rope',
      'joints[3].b must name another object than a',
    ]);
  });

  it('keeps the joints of a model-written scene that name kept objects, and drops the rest', () => {
    const clamped = clampSceneInput({
      objects: [{ id: 'ball', shape: 'sphere', size: [1, 1, 1], position: [0, 3, 0] }],
      joints: [
        { kind: 'spherical', a: 'ball', anchorB: [0, 9, 0], anchorA: [0, 5000, 0] },
        { kind: 'spherical', a: 'gone' },
        { kind: 'rope', a: 'ball' },
        { kind: 'weld', a: 'ball' },
      ],
    });
    expect(clamped.joints).toEqual([
      { kind: 'spherical', a: 'ball', anchorA: [0, 1000, 0], anchorB: [0, 9, 0] },
    ]);
    expect(() => parseScene(clamped)).not.toThrow();
  });

  it('refuses repeated ids even where no joint names them, and drops them from a model-written scene', () => {
    const box = { shape: 'box', size: [1, 1, 1], position: [0, 1, 0] };
    const objects = [
      { ...box, id: 'lid' },
      { ...box, id: 'lid' },
      { ...box, id: 'lid' },
    ];
    expect(() => parseScene({ objects })).toThrow(
      'objects[1].id has "lid", which objects[0] has already: each id must be unique; objects[2].id has "lid", which objects[0] has already',
    );
    const clamped = clampSceneInput({ objects, joints: [{ kind: 'spherical', a: 'lid' }] });
    expect(clamped.objects.map((o) => (o as { id?: string }).id)).toEqual(['lid', undefined, undefined]);
    expect(parseScene(clamped).joints).toHaveLength(1);
  });
});
