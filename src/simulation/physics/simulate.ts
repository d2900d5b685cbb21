import type { Scene } from '../scene/schema.js';
import { floatsPerBody, frameCount, type Trajectory } from './trajectory.js';
import { createPhysicsWorld, initPhysics } from './world.js';

export { floatsPerBody, frameCount, frameOf, type Trajectory } from './trajectory.js';

/**
 * Runs the physics of `scene` for its whole duration, in fixed sub-steps of at most 1/120 s.
 * Deterministic: the same scene gives the same trajectory, bit for bit. Each frame is written
 * before `onFrame` hears of it; with `into` (shared memory, see stream-thread.ts) it is written there.
 */
export async function simulate(
  scene: Scene,
  options: {
    onFrame?: (frame: number, total: number) => void;
    signal?: AbortSignal;
    into?: Float32Array;
  } = {},
): Promise<Trajectory> {
  await initPhysics();
  const frames = frameCount(scene);
  const world = createPhysicsWorld(scene);
  const bodies = scene.objects.length;
  const data = options.into ?? new Float32Array(frames * bodies * floatsPerBody);
  try {
    for (let frame = 0; frame < frames; frame++) {
      options.signal?.throwIfAborted();
      if (frame > 0) for (let s = 0; s < world.substeps; s++) world.step();
      let offset = frame * bodies * floatsPerBody;
      for (const body of world.bodies) {
        const p = body.translation();
        const q = body.rotation();
        data[offset++] = p.x;
        data[offset++] = p.y;
        data[offset++] = p.z;
        data[offset++] = q.x;
        data[offset++] = q.y;
        data[offset++] = q.z;
        data[offset++] = q.w;
      }
      options.onFrame?.(frame + 1, frames);
    }
  } finally {
    world.dispose();
  }
  return { frames, bodies, data };
}
