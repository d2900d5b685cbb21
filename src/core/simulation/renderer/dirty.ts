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

/** The corners of the box around a sphere at `center`, and of its shadow pushed down to y = 0. */
function sweptCorners(
  center: ArrayLike<number>,
  radius: number,
  toGround: readonly number[] | undefined,
): number[][] {
  const centers = [[center[0]!, center[1]!, center[2]!]];
  if (toGround) {
    const t = Math.max(0, center[1]!) / toGround[1]!;
    centers.push([center[0]! - toGround[0]! * t, 0, center[2]! - toGround[2]! * t]);
  }
  return centers.flatMap((c) =>
    [-1, 1].flatMap((sx) =>
      [-1, 1].flatMap((sy) =>
        [-1, 1].map((sz) => [c[0]! + sx * radius, c[1]! + sy * radius, c[2]! + sz * radius]),
      ),
    ),
  );
}

/**
 * The rectangle of a `width` x `height` framebuffer that can differ between two frames seen through
 * `viewProjection`: where each moved body was and is, and, with `toLight`, the volume between it and
 * its shadow on the ground (so shadows on the ground and on other bodies are inside too). Undefined
 * when the whole frame must be drawn (a point behind the camera, or most of the frame anyway).
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
    const radius = Math.hypot(...o.size) / 2;
    for (const poses of [previous, current]) {
      const center = poses.subarray(body * floatsPerBody, body * floatsPerBody + 3);
      for (const [x, y, z] of sweptCorners(center, radius, toGround)) {
        const w = m[3]! * x! + m[7]! * y! + m[11]! * z! + m[15]!;
        if (w <= 1e-6) return undefined;
        const px = ((m[0]! * x! + m[4]! * y! + m[8]! * z! + m[12]!) / w) * 0.5 + 0.5;
        const py = ((m[1]! * x! + m[5]! * y! + m[9]! * z! + m[13]!) / w) * 0.5 + 0.5;
        x0 = Math.min(x0, px);
        x1 = Math.max(x1, px);
        y0 = Math.min(y0, py);
        y1 = Math.max(y1, py);
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
