import type { Shape } from '../scene/shapes.js';

/**
 * A unit mesh, 1 m across, centred on the origin, interleaved as position (3), normal (3) and
 * side (1). `side` is -1 or +1 on a capsule's lower or upper cap, which the vertex shader pushes
 * apart by half the straight part; 0 elsewhere.
 */
export interface Mesh {
  vertices: Float32Array;
  indices: Uint16Array;
}

/** Floats per vertex in {@link Mesh.vertices}. */
export const vertexFloats = 7;

class MeshBuilder {
  private readonly vertices: number[] = [];
  private readonly indices: number[] = [];
  private count = 0;

  vertex(p: readonly number[], n: readonly number[], side = 0): number {
    this.vertices.push(p[0]!, p[1]!, p[2]!, n[0]!, n[1]!, n[2]!, side);
    return this.count++;
  }

  triangle(a: number, b: number, c: number): void {
    this.indices.push(a, b, c);
  }

  quad(a: number, b: number, c: number, d: number): void {
    this.indices.push(a, b, c, a, c, d);
  }

  build(): Mesh {
    return { vertices: new Float32Array(this.vertices), indices: new Uint16Array(this.indices) };
  }
}

function box(): Mesh {
  const m = new MeshBuilder();
  const faces: [number[], number[], number[]][] = [
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [
      [-1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ],
    [
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ],
    [
      [0, -1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ],
    [
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ],
    [
      [0, 0, -1],
      [0, 1, 0],
      [1, 0, 0],
    ],
  ];
  for (const [n, u, v] of faces) {
    const corner = (su: number, sv: number) =>
      m.vertex(
        [0, 1, 2].map((k) => 0.5 * n[k]! + 0.5 * su * u[k]! + 0.5 * sv * v[k]!),
        n,
      );
    m.quad(corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1));
  }
  return m.build();
}

/**
 * A sphere of radius 0.5 from latitude rings. For a capsule the equator is doubled, the upper
 * half marked side +1 and the lower -1, so the band between the two copies becomes its wall.
 */
function sphere(segments: number, rings: number, capsule: boolean): Mesh {
  const m = new MeshBuilder();
  const rows: number[][] = [];
  const half = rings / 2;
  for (let r = 0; r <= rings; r++) {
    const copies = capsule && r === half ? [1, -1] : [capsule ? (r < half ? 1 : -1) : 0];
    for (const side of copies) {
      const theta = (r / rings) * Math.PI;
      const row: number[] = [];
      for (let s = 0; s <= segments; s++) {
        const phi = (s / segments) * Math.PI * 2;
        const n = [Math.sin(theta) * Math.cos(phi), Math.cos(theta), Math.sin(theta) * Math.sin(phi)];
        row.push(m.vertex([n[0]! * 0.5, n[1]! * 0.5, n[2]! * 0.5], n, side));
      }
      rows.push(row);
    }
  }
  for (let r = 0; r < rows.length - 1; r++) {
    for (let s = 0; s < segments; s++) {
      const a = rows[r]![s]!;
      const b = rows[r]![s + 1]!;
      const c = rows[r + 1]![s + 1]!;
      const d = rows[r + 1]![s]!;
      m.quad(a, b, c, d);
    }
  }
  return m.build();
}

function cylinder(segments: number): Mesh {
  const m = new MeshBuilder();
  const ring = (y: number, normalOf: (x: number, z: number) => number[]) =>
    Array.from({ length: segments + 1 }, (_, s) => {
      const phi = (s / segments) * Math.PI * 2;
      const x = Math.cos(phi);
      const z = Math.sin(phi);
      return m.vertex([x * 0.5, y, z * 0.5], normalOf(x, z));
    });
  const top = ring(0.5, (x, z) => [x, 0, z]);
  const bottom = ring(-0.5, (x, z) => [x, 0, z]);
  for (let s = 0; s < segments; s++) m.quad(top[s]!, top[s + 1]!, bottom[s + 1]!, bottom[s]!);
  for (const [y, ny] of [
    [0.5, 1],
    [-0.5, -1],
  ] as const) {
    const center = m.vertex([0, y, 0], [0, ny, 0]);
    const rim = ring(y, () => [0, ny, 0]);
    for (let s = 0; s < segments; s++) {
      if (ny > 0) m.triangle(center, rim[s + 1]!, rim[s]!);
      else m.triangle(center, rim[s]!, rim[s + 1]!);
    }
  }
  return m.build();
}

/**
 * Segments around a round shape whose silhouette is `radiusPixels` across on screen, so that the
 * polygon strays less than half a pixel from the circle: more would only cost triangles, which
 * llvmpipe pays for one by one.
 */
export function segmentsFor(radiusPixels: number): number {
  const r = Number.isFinite(radiusPixels) ? Math.max(1, radiusPixels) : 48;
  const exact = r <= 0.5 ? 8 : Math.PI / Math.acos(1 - 0.5 / r);
  const n = Math.min(48, Math.max(8, Math.ceil(exact)));
  return n + (n % 2);
}

/** The unit mesh of `shape`, with `segments` around (and half as many rings) when it is round. */
export function unitMesh(shape: Shape, segments: number): Mesh {
  const rings = Math.max(4, segments / 2 + ((segments / 2) % 2));
  switch (shape) {
    case 'box':
      return box();
    case 'sphere':
      return sphere(segments, rings, false);
    case 'cylinder':
      return cylinder(segments);
    case 'capsule':
      return sphere(segments, rings, true);
  }
}
