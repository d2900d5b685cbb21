import { describe, expect, it } from 'vitest';
import { interpretBuiltin } from '../../../src/simulation/interpreter/builtin/index.js';
import { floatsPerBody, frameOf, simulate } from '../../../src/simulation/physics/simulate.js';
import { quaternionFromEuler } from '../../../src/simulation/physics/world.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';

describe('physics', () => {
  it('brings a dropped ball to rest on the ground, never below it', async () => {
    const scene = parseScene({
      duration: 4,
      fps: 30,
      objects: [{ shape: 'sphere', size: [1, 1, 1], position: [0, 5, 0], restitution: 0.3 }],
    });
    const trajectory = await simulate(scene);
    expect(trajectory.frames).toBe(120);
    const heights = Array.from({ length: trajectory.frames }, (_, f) => frameOf(trajectory, f)[1]!);
    // The radius is 0.5: on impact at 10 m/s the centre sinks at most a couple of centimetres.
    expect(Math.min(...heights)).toBeGreaterThan(0.5 - 0.02);
    expect(heights[0]).toBe(5);
    // Free fall for the first frames: 5 - g t^2 / 2 after 0.3 s.
    expect(heights[9]).toBeCloseTo(5 - 0.5 * 9.81 * 0.3 ** 2, 1);
    const last = heights.slice(-15);
    for (const y of last) expect(y).toBeCloseTo(0.5, 2);
  });

  it('lets nothing fall through the ground, not even fast small bodies', async () => {
    const scene = parseScene({
      duration: 3,
      fps: 24,
      objects: [
        ...Array.from({ length: 40 }, (_, i) => ({
          shape: (['box', 'sphere', 'cylinder', 'capsule'] as const)[i % 4],
          size: [0.3, 0.5, 0.3],
          position: [(i % 8) - 4, 1 + Math.floor(i / 8), (i % 3) - 1],
          rotation: [i * 17, i * 31, i * 7],
        })),
        { shape: 'sphere', size: [0.1, 0.1, 0.1], position: [0, 2, 0], velocity: [0, -150, 0] },
      ],
    });
    const trajectory = await simulate(scene);
    for (let f = 0; f < trajectory.frames; f++) {
      const frame = frameOf(trajectory, f);
      for (let b = 0; b < trajectory.bodies; b++) expect(frame[b * floatsPerBody + 1]).toBeGreaterThan(0);
    }
  });

  it('is deterministic: the same scene gives the same trajectory, bit for bit', async () => {
    const scene = interpretBuiltin('a tower of 20 red boxes knocked over by a ball');
    const [a, b] = await Promise.all([simulate(scene), simulate(scene)]);
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    // The ball really does knock the tower over: most boxes end up lower than they started.
    const first = frameOf(a, 0);
    const last = frameOf(a, a.frames - 1);
    const fallen = Array.from({ length: 20 }, (_, i) => i).filter(
      (i) => last[i * floatsPerBody + 1]! < first[i * floatsPerBody + 1]! - 0.3,
    );
    expect(fallen.length).toBeGreaterThan(10);
  });

  it('turns Euler degrees into the quaternion Rapier expects', () => {
    const [x, y, z, w] = quaternionFromEuler([0, 0, 90]);
    expect([x, y, z, w].map((v) => Number(v.toFixed(6)))).toEqual([
      0,
      0,
      Number(Math.SQRT1_2.toFixed(6)),
      Number(Math.SQRT1_2.toFixed(6)),
    ]);
  });

  it('stops when asked to', async () => {
    const controller = new AbortController();
    const scene = parseScene({
      duration: 2,
      objects: [{ shape: 'box', size: [1, 1, 1], position: [0, 3, 0] }],
    });
    const run = simulate(scene, {
      signal: controller.signal,
      onFrame: (frame) => frame === 5 && controller.abort(),
    });
    await expect(run).rejects.toThrow();
  });
});
