import type { Scene } from '../scene/schema.js';

/** Floats stored per body and frame: position x, y, z and rotation quaternion x, y, z, w. */
export const floatsPerBody = 7;

/**
 * Where every body is in every frame. Frame 0 is the scene as written; frame i is the state
 * i / fps seconds later. About 28 bytes per body and frame, so even the largest scene
 * (500 bodies, 1200 frames) stays under 17 MB.
 */
export interface Trajectory {
  frames: number;
  bodies: number;
  /** `frames * bodies * floatsPerBody` floats, frame by frame. */
  data: Float32Array;
}

/** The `floatsPerBody * bodies` floats of one frame, without copying. */
export function frameOf(trajectory: Trajectory, frame: number): Float32Array {
  const size = trajectory.bodies * floatsPerBody;
  return trajectory.data.subarray(frame * size, (frame + 1) * size);
}

/**
 * Frames of a scene's video: `duration * fps`, at least one. Here, not beside `simulate`: reelbot's
 * process counts frames at start-up paths (render-on-worker.ts) and must not load Rapier for it;
 * its WebAssembly and bindings held about 23 MB more at rest (`npm run bench -- footprint`).
 */
export function frameCount(scene: Scene): number {
  return Math.max(1, Math.round(scene.duration * scene.fps));
}
