import { floatsPerBody } from '../physics/trajectory.js';
import type { Scene } from '../scene/schema.js';
import type { PixelRect } from './draw.js';
import type { Mat4 } from './math.js';

/**
 * Which bodies moved between two frames' poses (7 floats each, scene order). Bodies at rest keep
 * bit-identical poses, since Rapier puts them to sleep.
 */
export function movedBodies(previous: Float32Array, current: Float32Array): number[] {
  const moved: number[] = [];
  for (let body = 0; body * floatsPerBody < current.length; body++) {
    const at = body * floatsPerBody;
    for (let k = 0; k < floatsPerBody; k++) {
      if (previous[at + k] !== current[at + k]) {
        moved.push(body);
        break;
      }
    }
  }
  return moved;
}

/**
 * The rectangle of a `width` x `height` framebuffer that can differ between two frames seen through
 * `viewProjection`: where each moved body was and is, and, with `toLight`, the volume between it and
 * its shadow on the ground (so shadows on the ground and on other bodies are inside too). Undefined
 * when the whole frame must be drawn (a point behind the camera, or most of the frame anyway).
 *
 * It runs for every frame and every moved body, so it allocates nothing: the corners of the box
 * around each body's bounding sphere, and of that box pushed along the light to y = 0, are
 * projected one by one.
 */
export function dirtyRect(
  scene: Scene,
  moved: number[],
  previous: Float32Array,
  current: Float32Array,
  viewProjection: Mat4,
  width: number,
  height: number,
  toLight?: readonly number[],
): PixelRect | undefined {
  // Shadows fall down and away from the light: only a light from above the horizon casts them here.
  const toGround = toLight && toLight[1]! > 1e-3 ? toLight : undefined;
  const m = viewProjection;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const body of moved) {
    const o = scene.objects[body]!;
    const radius = Math.hypot(o.size[0], o.size[1], o.size[2]) / 2;
    const at = body * floatsPerBody;
    for (const poses of [previous, current]) {
      for (let copy = 0; copy < (toGround ? 2 : 1); copy++) {
        let cx = poses[at]!;
        let cy = poses[at + 1]!;
        let cz = poses[at + 2]!;
        if (copy === 1) {
          const t = Math.max(0, cy) / toGround![1]!;
          cx -= toGround![0]! * t;
          cz -= toGround![2]! * t;
          cy = 0;
        }
        for (let corner = 0; corner < 8; corner++) {
          const x = cx + (corner & 1 ? radius : -radius);
          const y = cy + (corner & 2 ? radius : -radius);
          const z = cz + (corner & 4 ? radius : -radius);
          const w = m[3]! * x + m[7]! * y + m[11]! * z + m[15]!;
          if (w <= 1e-6) return undefined;
          const px = ((m[0]! * x + m[4]! * y + m[8]! * z + m[12]!) / w) * 0.5 + 0.5;
          const py = ((m[1]! * x + m[5]! * y + m[9]! * z + m[13]!) / w) * 0.5 + 0.5;
          if (px < x0) x0 = px;
          if (px > x1) x1 = px;
          if (py < y0) y0 = py;
          if (py > y1) y1 = py;
        }
      }
    }
  }
  if (moved.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  // Two pixels of margin for rasterisation rules and the filtered edges of shadows.
  const left = Math.max(0, Math.floor(x0 * width) - 2);
  const bottom = Math.max(0, Math.floor(y0 * height) - 2);
  const right = Math.min(width, Math.ceil(x1 * width) + 2);
  const top = Math.min(height, Math.ceil(y1 * height) + 2);
  if (right <= left || top <= bottom) return { x: 0, y: 0, width: 0, height: 0 };
  if ((right - left) * (top - bottom) > 0.85 * width * height) return undefined;
  return { x: left, y: bottom, width: right - left, height: top - bottom };
}
