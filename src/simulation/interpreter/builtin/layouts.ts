import type { Random } from '../../random.js';
import { type Material, materialOf } from '../../scene/materials.js';
import type { SceneObjectInput, Shape, Vec3 } from '../../scene/schema.js';

/** The colour of a shape nobody named a colour for. */
export const defaultColors: Readonly<Record<Shape, string>> = {
  box: '#e07a3f',
  sphere: '#2f6fd6',
  cylinder: '#3aa64c',
  capsule: '#7d4cc2',
};

/** How the objects of a layout look and feel. */
export interface Look {
  colors: string[];
  sizeScale: number;
  /** Metres across, said in the sentence ("a 2 meter ball"): it wins over the layout's own size. */
  length?: number;
  /** Kilograms, said in the sentence ("a 10 kg crate"): it wins over the material's density. */
  mass?: number;
  metal: boolean;
  rubber: boolean;
  icy: boolean;
  wooden: boolean;
  glass: boolean;
  heavy: boolean;
}

/** The one material a look names; when a sentence names several, the first here wins. */
export function materialOfLook(look: Look): Material | undefined {
  if (look.glass) return 'glass';
  if (look.metal) return 'metal';
  if (look.rubber) return 'rubber';
  if (look.icy) return 'ice';
  if (look.wooden) return 'wood';
  return undefined;
}

/** Objects placed in the world, plus the box the camera should keep in view. */
export interface Layout {
  objects: SceneObjectInput[];
  min: Vec3;
  max: Vec3;
}

/** The material fields of the i-th object of a group. */
export function material(look: Look, i: number) {
  const name = materialOfLook(look);
  const m = materialOf(name);
  return {
    ...(name ? { material: name } : {}),
    color: look.colors[i % look.colors.length]!,
    roughness: name ? m.roughness : 0.55,
    metalness: m.metalness,
    // Plain bodies settle rather than bounce: a tower should stand, not jiggle.
    restitution: name ? m.restitution : 0.15,
    friction: look.icy ? materialOf('ice').friction : name ? m.friction : 0.6,
    density: look.heavy ? Math.max(5000, m.density) : m.density,
    ...(look.mass === undefined ? {} : { mass: look.mass }),
  };
}

/** The typical size of a body of `look`, in metres: as said, else the layout's `base` scaled by a size word. */
export function typicalSize(look: Look, base: number): number {
  return look.length ?? base * look.sizeScale;
}

/** Full extents of a shape whose typical size is `s` metres. */
export function sizeOf(shape: Shape, s: number): Vec3 {
  switch (shape) {
    case 'box':
      return [s, s, s];
    case 'sphere':
      return [s, s, s];
    case 'cylinder':
      return [s, s, s];
    case 'capsule':
      return [s * 0.6, s * 1.4, s * 0.6];
  }
}

/** Grows a layout's bounds over every object in it. */
export function bounds(objects: SceneObjectInput[]): { min: Vec3; max: Vec3 } {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const o of objects) {
    const r = Math.hypot(...o.size) / 2;
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k]!, o.position[k]! - r);
      max[k] = Math.max(max[k]!, o.position[k]! + r);
    }
  }
  return { min, max };
}

function finish(objects: SceneObjectInput[]): Layout {
  return { objects, ...bounds(objects) };
}

/** A column (one body per layer) or, from 12 bodies, a 2x2 column, bottom up. */
export function tower(count: number, shape: Shape, look: Look): Layout {
  const s = typicalSize(look, 0.8);
  const size = sizeOf(shape, s);
  const perLayer = count >= 12 ? 4 : 1;
  const objects: SceneObjectInput[] = [];
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / perLayer);
    const slot = i % perLayer;
    const x = perLayer === 4 ? (slot % 2 === 0 ? -0.5 : 0.5) * size[0] * 1.001 : 0;
    const z = perLayer === 4 ? (slot < 2 ? -0.5 : 0.5) * size[2] * 1.001 : 0;
    objects.push({
      shape,
      size,
      position: [x, size[1] / 2 + layer * size[1] * 1.001, z],
      ...material(look, layer),
    });
  }
  return finish(objects);
}

/** A flat pyramid facing the camera: the widest row at the bottom, one body on top. */
export function pyramid(count: number, shape: Shape, look: Look): Layout {
  const s = typicalSize(look, 0.8);
  const size = sizeOf(shape, s);
  let base = 1;
  while ((base * (base + 1)) / 2 < count) base++;
  const objects: SceneObjectInput[] = [];
  let placed = 0;
  for (let row = 0; placed < count; row++) {
    const inRow = Math.min(base - row, count - placed);
    for (let j = 0; j < inRow; j++) {
      objects.push({
        shape,
        size,
        position: [(j - (inRow - 1) / 2) * size[0] * 1.02, size[1] / 2 + row * size[1] * 1.001, 0],
        ...material(look, row),
      });
      placed++;
    }
  }
  return finish(objects);
}

/** One body on another, each nudged a little so the stack is not perfectly straight. */
export function stack(count: number, shape: Shape, look: Look, random: Random): Layout {
  const s = typicalSize(look, 0.9);
  const size = sizeOf(shape, s);
  const objects: SceneObjectInput[] = [];
  for (let i = 0; i < count; i++) {
    objects.push({
      shape,
      size,
      position: [
        random.between(-0.04, 0.04) * s,
        size[1] / 2 + i * size[1] * 1.002,
        random.between(-0.04, 0.04) * s,
      ],
      rotation: [0, random.between(-12, 12), 0],
      ...material(look, i),
    });
  }
  return finish(objects);
}

/** Bodies dropped from staggered heights over a patch of ground, each tumbling its own way. */
/**
 * Bodies dropped from a loose cloud above the ground: shapes and colours taken in turn, or, when
 * `each` is given, body by body (so "three capsules and four cylinders" are three and four).
 */
export function falling(
  count: number,
  shapes: Shape[],
  look: Look,
  random: Random,
  bounce = false,
  each?: { shape: Shape; color: string }[],
): Layout {
  const s = typicalSize(look, 0.7);
  const spread = Math.max(1.5, Math.sqrt(count) * s * 0.9);
  const objects: SceneObjectInput[] = [];
  for (let i = 0; i < count; i++) {
    const shape = each?.[i]?.shape ?? shapes[i % shapes.length]!;
    // Sizes vary a little, unless the sentence said one.
    const size = sizeOf(shape, s * random.between(0.8, 1.2) ** (look.length === undefined ? 1 : 0));
    objects.push({
      shape,
      size,
      position: [
        random.between(-spread, spread),
        2 + (i / Math.max(1, count)) * Math.min(10, count * s * 0.35) + random.between(0, 1.5) + size[1],
        random.between(-spread, spread),
      ],
      rotation: bounce ? [0, 0, 0] : [random.between(0, 360), random.between(0, 360), random.between(0, 360)],
      velocity: bounce ? [random.between(-0.6, 0.6), 0, random.between(-0.6, 0.6)] : [0, 0, 0],
      ...material(look, i),
      ...(each?.[i] ? { color: each[i]!.color } : {}),
      ...(bounce ? { restitution: 0.85 } : {}),
    });
  }
  return finish(objects);
}

/** A static ramp falling towards +x and bodies lined up at its top, ready to roll down. */
export function ramp(count: number, shape: Shape, look: Look, random: Random): Layout {
  const length = 9;
  const width = 3.5;
  const thickness = 0.25;
  const angle = (18 * Math.PI) / 180;
  const center: Vec3 = [0, (length / 2) * Math.sin(angle) + (thickness / 2) * Math.cos(angle), 0];
  const objects: SceneObjectInput[] = [
    {
      shape: 'box',
      body: 'static',
      size: [length, thickness, width],
      position: center,
      rotation: [0, 0, -18],
      color: '#6b7380',
      roughness: 0.7,
      friction: 0.8,
    },
  ];
  const s = typicalSize(look, 0.6);
  const perRow = Math.max(1, Math.min(count, Math.floor(width / (s * 1.3))));
  // Cylinders and capsules lie on their side so that they roll instead of sliding.
  const rotation: Vec3 = shape === 'cylinder' || shape === 'capsule' ? [90, 0, 0] : [0, 0, -18];
  const size = sizeOf(shape, s);
  const lift = shape === 'cylinder' || shape === 'capsule' ? size[0] / 2 : size[1] / 2;
  // Rows fill the upper part of the ramp; more bodies wait in layers above them.
  const rowsPerLayer = Math.max(1, Math.floor((length * 0.6) / (s * 1.3)));
  for (let i = 0; i < count; i++) {
    const line = Math.floor(i / perRow);
    const row = line % rowsPerLayer;
    const layer = Math.floor(line / rowsPerLayer);
    const col = i % perRow;
    const u = -length / 2 + s + row * s * 1.3;
    const w = (col - (perRow - 1) / 2) * s * 1.3 + random.between(-0.05, 0.05);
    const up = thickness / 2 + lift + 0.01 + layer * s * 1.15;
    objects.push({
      shape,
      size,
      // The point `u` along the ramp and `up` above its surface, turned by the ramp's angle.
      position: [
        center[0] + u * Math.cos(angle) + up * Math.sin(angle),
        center[1] - u * Math.sin(angle) + up * Math.cos(angle) + row * 0.02,
        w,
      ],
      rotation,
      ...material(look, i),
      friction: shape === 'box' ? 0.15 : 0.8,
    });
  }
  const layout = finish(objects);
  // Leave room for the bodies rolling off the foot of the ramp.
  layout.max[0] += 6;
  return layout;
}

/** Dominoes on a line, or on a gentle S-curve when there are many; the first one tips over. */
export function dominoes(count: number, look: Look, pushed: boolean): Layout {
  const height = 1.6 * look.sizeScale;
  const size: Vec3 = [0.2 * look.sizeScale, height, 0.8 * look.sizeScale];
  const spacing = height * 0.55;
  const curve = count > 24 ? Math.min(3, count * 0.05) * look.sizeScale : 0;
  const period = Math.max(6, count * spacing * 0.25);
  const pathAt = (x: number) => curve * Math.sin(x / period);
  const objects: SceneObjectInput[] = [];
  let x = -((count - 1) * spacing) / 2;
  for (let i = 0; i < count; i++) {
    const slope = (curve / period) * Math.cos(x / period);
    objects.push({
      shape: 'box',
      size,
      position: [x, height / 2, pathAt(x)],
      rotation: [0, (-Math.atan(slope) * 180) / Math.PI, 0],
      // Negative spin about z tips a domino towards +x, into the next one.
      angularVelocity: i === 0 && pushed ? [0, 0, -2.2] : [0, 0, 0],
      ...material(look, i),
      friction: 0.5,
    });
    // Step along the curve by arc length so the gaps stay even.
    x += spacing / Math.sqrt(1 + slope * slope);
  }
  return finish(objects);
}

/** A heavy ball thrown at `layout` from -x so that it hits a third of the way up. */
export function wreckingBall(layout: Layout, look: Look): SceneObjectInput {
  const height = layout.max[1] - Math.max(0, layout.min[1]);
  const d = look.length ?? Math.min(3, Math.max(0.8, height * 0.25));
  const targetY = Math.max(d / 2, height * 0.5);
  const distance = 7;
  const speed = 11;
  const t = distance / speed;
  // Start higher by the distance gravity pulls it down on its way.
  const startY = targetY + 0.5 * 9.81 * t * t;
  const targetZ = (layout.min[2] + layout.max[2]) / 2;
  return {
    id: 'ball',
    shape: 'sphere',
    size: [d, d, d],
    position: [layout.min[0] - distance, startY, targetZ],
    velocity: [speed, 0, 0],
    color: look.colors[0] ?? '#30343b',
    roughness: 0.3,
    metalness: 0.6,
    density: 8000,
    // A weight said ("a ball of 20 kg") wins over the density, as for every other body.
    ...(look.mass === undefined ? {} : { mass: look.mass }),
    friction: 0.6,
    restitution: 0.1,
  };
}
