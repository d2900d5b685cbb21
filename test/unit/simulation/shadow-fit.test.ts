import { describe, expect, it } from 'vitest';
import { floatsPerBody, frameOf, simulate } from '../../../src/simulation/physics/simulate.js';
import { createShadowFit } from '../../../src/simulation/renderer/shadow-fit.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';

/** Two balls rolled apart fast, and a box that stays put: they leave the first second's box. */
const scene = parseScene({
  duration: 3,
  fps: 30,
  objects: [
    { shape: 'sphere', size: [1, 1, 1], position: [0, 0.5, 0], velocity: [6, 0, 0], friction: 0 },
    { shape: 'sphere', size: [1, 1, 1], position: [0, 0.5, 2], velocity: [0, 0, 5], friction: 0 },
    { shape: 'box', size: [1, 1, 1], position: [-3, 0.5, 0] },
  ],
});

describe('the shadow fit while the physics streams', () => {
  it('starts from the first second, refits only when a body leaves, and always holds every body', async () => {
    const trajectory = await simulate(scene);
    const fit = createShadowFit(scene, trajectory.frames, (f) => frameOf(trajectory, f));
    const radius = Math.sqrt(3) / 2;
    const refits: number[] = [];
    const needed: number[] = [];
    for (let frame = 0; frame < trajectory.frames; frame++) {
      needed.push(fit.framesNeeded(frame));
      const { bounds, changed } = fit.at(frame);
      if (changed) refits.push(frame);
      const poses = frameOf(trajectory, frame);
      for (let body = 0; body < trajectory.bodies; body++)
        for (const k of [0, 2]) {
          const v = poses[body * floatsPerBody + k]!;
          expect(v - radius).toBeGreaterThanOrEqual(bounds.min[k]! - 1e-6);
          expect(v + radius).toBeLessThanOrEqual(bounds.max[k]! + 1e-6);
        }
    }
    // The first frame needs the first second; a refit the second after it; other frames themselves.
    expect(needed[0]).toBe(30);
    expect(refits[0]).toBe(0);
    expect(refits.length).toBeGreaterThan(1);
    expect(refits.length).toBeLessThan(10);
    for (const frame of refits.slice(1)) expect(needed[frame]).toBe(Math.min(90, frame + 30));
    expect(needed[refits[1]! - 1]).toBe(refits[1]!);
  });

  it('never refits a scene at rest', async () => {
    const still = parseScene({
      duration: 2,
      objects: [{ shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0] }],
    });
    const trajectory = await simulate(still);
    const fit = createShadowFit(still, trajectory.frames, (f) => frameOf(trajectory, f));
    const changed = Array.from({ length: trajectory.frames }, (_, f) => fit.at(f).changed);
    expect(changed.filter(Boolean)).toHaveLength(1);
  });
});
