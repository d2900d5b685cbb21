import type { SceneObjectInput, Shape, Vec3 } from '../../scene/schema.js';
import { bounds, type Layout, type Look, material, sizeOf, typicalSize } from './layouts.js';

function finish(objects: SceneObjectInput[]): Layout {
  return { objects, ...bounds(objects) };
}

/** Moves every body of a layout, and its bounds, by `offset`. */
export function translate(layout: Layout, offset: Vec3): Layout {
  const shift = (v: Vec3) => v.map((x, k) => x + offset[k]!) as Vec3;
  return {
    objects: layout.objects.map((o) => ({ ...o, position: shift(o.position) })),
    min: shift(layout.min),
    max: shift(layout.max),
  };
}

/** A wall across the x axis (it spans z, rows go up), so that what comes from -x runs into it. */
export function wall(count: number, shape: Shape, look: Look): Layout {
  const size = sizeOf(shape, typicalSize(look, 0.6));
  const columns = Math.max(1, Math.ceil(Math.sqrt(count * 1.7)));
  const objects: SceneObjectInput[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / columns);
    const inRow = Math.min(columns, count - row * columns);
    const col = i % columns;
    objects.push({
      shape,
      size,
      position: [0, size[1] / 2 + row * size[1] * 1.001, (col - (inRow - 1) / 2) * size[2] * 1.01],
      ...material(look, row),
    });
  }
  return finish(objects);
}

/** Bodies in a line along x, standing apart. */
export function row(count: number, shape: Shape, look: Look): Layout {
  const size = sizeOf(shape, typicalSize(look, 0.6));
  const step = size[0] * 1.6;
  return finish(
    Array.from({ length: count }, (_, i) => ({
      shape,
      size,
      position: [(i - (count - 1) / 2) * step, size[1] / 2, 0] as Vec3,
      ...material(look, i),
    })),
  );
}

/** Bodies standing on a circle. */
export function ring(count: number, shape: Shape, look: Look): Layout {
  const size = sizeOf(shape, typicalSize(look, 0.6));
  const radius = Math.max(1, (count * size[0] * 1.6) / (2 * Math.PI));
  return finish(
    Array.from({ length: count }, (_, i) => {
      const a = (2 * Math.PI * i) / count;
      return {
        shape,
        size,
        position: [radius * Math.cos(a), size[1] / 2, radius * Math.sin(a)] as Vec3,
        rotation: [0, (-a * 180) / Math.PI, 0] as Vec3,
        ...material(look, i),
      };
    }),
  );
}

/** Bodies on a square grid on the ground, or heaped in layers when `pile`. */
export function grid(count: number, shape: Shape, look: Look, pile = false): Layout {
  const size = sizeOf(shape, typicalSize(look, 0.6));
  const side = Math.max(1, Math.ceil(Math.sqrt(pile ? count / 2 : count)));
  const step = size[0] * (pile ? 1.02 : 1.5);
  const perLayer = side * side;
  return finish(
    Array.from({ length: count }, (_, i) => {
      const layer = Math.floor(i / perLayer);
      const k = i % perLayer;
      const inset = layer * step * 0.5;
      return {
        shape,
        size,
        position: [
          (k % side) * step - ((side - 1) * step) / 2 + inset * (k % side < side - 1 ? 1 : 0),
          size[1] / 2 + layer * size[1] * 1.01,
          Math.floor(k / side) * step - ((side - 1) * step) / 2,
        ] as Vec3,
        ...material(look, i),
      };
    }),
  );
}

/** Bowling pins in a triangle whose tip points at -x, where the ball comes from. */
export function pins(count: number, look: Look): Layout {
  const size: Vec3 = [0.24 * look.sizeScale, 0.75 * look.sizeScale, 0.24 * look.sizeScale];
  const objects: SceneObjectInput[] = [];
  for (let r = 0; objects.length < count; r++)
    for (let j = 0; j <= r && objects.length < count; j++)
      objects.push({
        shape: 'cylinder',
        size,
        position: [r * 0.45, size[1] / 2, (j - r / 2) * 0.5],
        ...material(look, objects.length),
        density: 400,
      });
  return finish(objects);
}

/** An open box of five static panels, `inner` metres wide and deep, glassy when asked. */
export function container(inner: number, look: Look, glass: boolean): Layout {
  const t = 0.08;
  const h = Math.max(0.8, inner * 0.5);
  const panel = (size: Vec3, position: Vec3): SceneObjectInput => ({
    shape: 'box',
    body: 'static',
    size,
    position,
    ...(glass ? { material: 'glass' as const } : { color: look.colors[0] ?? '#e07a3f', roughness: 0.6 }),
    friction: 0.5,
  });
  const half = inner / 2 + t / 2;
  return finish([
    panel([inner + 2 * t, t, inner + 2 * t], [0, t / 2, 0]),
    panel([t, h, inner + 2 * t], [-half, h / 2, 0]),
    panel([t, h, inner + 2 * t], [half, h / 2, 0]),
    panel([inner, h, t], [0, h / 2, -half]),
    panel([inner, h, t], [0, h / 2, half]),
  ]);
}

/** How high each step of {@link stairs} rises and how deep it runs, in metres. */
export const stairRise = 0.45;
export const stairRun = 0.9;

/** Static steps going down towards +x; the top step is at x = 0. */
export function stairs(steps: number): Layout {
  const rise = stairRise;
  const run = stairRun;
  return finish(
    Array.from({ length: steps }, (_, k) => {
      const height = (steps - k) * rise;
      return {
        shape: 'box' as const,
        body: 'static' as const,
        size: [run, height, 3] as Vec3,
        position: [k * run, height / 2, 0] as Vec3,
        color: '#9aa0a8',
        roughness: 0.8,
        friction: 0.7,
      };
    }),
  );
}

/**
 * Dominoes on a spiral out from the middle, turns 2 m apart so a falling domino never reaches
 * the next turn; the innermost one is tipped along the path.
 */
export function spiralDominoes(count: number, look: Look): Layout {
  const height = 1.6 * look.sizeScale;
  const size: Vec3 = [0.2 * look.sizeScale, height, 0.8 * look.sizeScale];
  const spacing = height * 0.55;
  const growth = (Math.max(2, height * 1.25) * look.sizeScale) / (2 * Math.PI);
  const objects: SceneObjectInput[] = [];
  let angle = 0;
  for (let i = 0; i < count; i++) {
    const radius = 1.5 * look.sizeScale + growth * angle;
    const tangent = normalized([
      growth * Math.cos(angle) - radius * Math.sin(angle),
      growth * Math.sin(angle) + radius * Math.cos(angle),
    ]);
    objects.push({
      shape: 'box',
      size,
      position: [radius * Math.cos(angle), height / 2, radius * Math.sin(angle)],
      rotation: [0, (-Math.atan2(tangent[1], tangent[0]) * 180) / Math.PI, 0],
      // Spin about the level axis across the path tips it forwards, into the next one.
      angularVelocity: i === 0 ? [2.2 * tangent[1], 0, -2.2 * tangent[0]] : [0, 0, 0],
      ...material(look, i),
      friction: 0.5,
    });
    angle += spacing / Math.hypot(radius, growth);
  }
  return finish(objects);
}

/**
 * Dominoes stood round a circle, each `spacing` from the next as on a line, turned along it; the
 * first tipped into the next when `pushed`. The circle is at least 3 m across, so a few still
 * stand apart.
 */
export function ringDominoes(count: number, look: Look, pushed: boolean): Layout {
  const height = 1.6 * look.sizeScale;
  const size: Vec3 = [0.2 * look.sizeScale, height, 0.8 * look.sizeScale];
  const radius = Math.max(1.5 * look.sizeScale, (count * height * 0.55) / (2 * Math.PI));
  const objects: SceneObjectInput[] = [];
  for (let i = 0; i < count; i++) {
    const angle = (2 * Math.PI * i) / count;
    const tangent: [number, number] = [-Math.sin(angle), Math.cos(angle)];
    objects.push({
      shape: 'box',
      size,
      position: [radius * Math.cos(angle), height / 2, radius * Math.sin(angle)],
      rotation: [0, (-Math.atan2(tangent[1], tangent[0]) * 180) / Math.PI, 0],
      angularVelocity: i === 0 && pushed ? [2.2 * tangent[1], 0, -2.2 * tangent[0]] : [0, 0, 0],
      ...material(look, i),
      friction: 0.5,
    });
  }
  return finish(objects);
}

function normalized([x, z]: [number, number]): [number, number] {
  const length = Math.hypot(x, z) || 1;
  return [x / length, z / length];
}
