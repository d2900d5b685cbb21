import { floatsPerBody } from '../physics/trajectory.js';
import type { Scene, Vec3 } from '../scene/schema.js';

/** An axis-aligned box in world space. */
export interface Bounds {
  min: Vec3;
  max: Vec3;
}

/** How far ahead the shadow map is fitted: the first second, and a second more at each refit. */
export const shadowFitSeconds = 1;

/**
 * Where the shadow map is fitted while the physics is still running: to the box every body fills
 * over the first second, and, when a body leaves that box, to the box grown by where the bodies go
 * over the next second. It needs only the frames up to a second ahead, so drawing can start when
 * the first second is simulated rather than the whole video; it depends on the trajectory alone,
 * so the frames are the same however the physics arrived (streamed or whole).
 */
export function createShadowFit(scene: Scene, frames: number, poses: (frame: number) => Float32Array) {
  const radii = scene.objects.map((o) => Math.hypot(...o.size) / 2);
  // Clipped to the ground, so a body falling off its edge does not stretch the map over nothing.
  const limit = scene.ground.enabled ? scene.ground.size / 2 : 100;
  const window = Math.max(1, Math.round(shadowFitSeconds * scene.fps));
  let fitted: Bounds | undefined;

  /** Grows `into` by the bodies of `frame`; `into` starts empty (infinite min, -infinite max). */
  const add = (frame: number, into: Bounds) => {
    const data = poses(frame);
    for (let body = 0; body < radii.length; body++) {
      const r = radii[body]!;
      for (let k = 0; k < 3; k++) {
        const low = k === 1 ? -1 : -limit;
        const high = k === 1 ? 100 : limit;
        const v = data[body * floatsPerBody + k]!;
        into.min[k] = Math.max(low, Math.min(into.min[k]!, v - r));
        into.max[k] = Math.min(high, Math.max(into.max[k]!, v + r));
      }
    }
  };
  const empty = (): Bounds => ({ min: [Infinity, 0, Infinity], max: [-Infinity, 0, -Infinity] });
  const inside = (inner: Bounds, outer: Bounds) =>
    [0, 1, 2].every((k) => inner.min[k]! >= outer.min[k]! && inner.max[k]! <= outer.max[k]!);
  const leaves = (frame: number) => {
    if (!fitted) return true;
    const box = empty();
    add(frame, box);
    return Number.isFinite(box.min[0]) && !inside(box, fitted);
  };

  return {
    /**
     * How many frames, from the first, must exist before {@link at} can answer for `frame`, given
     * that `frame` itself exists: a second ahead when the map is (re)fitted there, else none more.
     */
    framesNeeded(frame: number): number {
      return leaves(frame) ? Math.min(frames, frame + window) : frame + 1;
    },
    /** The box to fit the shadow map to at `frame`, and whether it changed since the frame before. */
    at(frame: number): { bounds: Bounds; changed: boolean } {
      if (!leaves(frame)) return { bounds: fitted!, changed: false };
      const grown = fitted ? { min: [...fitted.min] as Vec3, max: [...fitted.max] as Vec3 } : empty();
      for (let f = frame; f < Math.min(frames, frame + window); f++) add(f, grown);
      // No bodies: a small box at the origin.
      fitted = Number.isFinite(grown.min[0]) ? grown : { min: [-1, 0, -1], max: [1, 1, 1] };
      return { bounds: fitted, changed: true };
    },
  };
}

/** What {@link createShadowFit} returns. */
export type ShadowFit = ReturnType<typeof createShadowFit>;
