import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSimulation } from '../../../src/simulation/render-on-worker.js';
import type { SceneObjectInput } from '../../../src/simulation/scene/schema.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';

let dir: string;
afterAll(() => fs.promises.rm(dir, { recursive: true, force: true }));

const width = 320;
const height = 64;
const camera = {
  position: [0, 1, 12] as [number, number, number],
  lookAt: [0, 1, 0] as [number, number, number],
  fov: 20,
};

/** The frame column where world point `x`, `z` lands (the camera looks down -z from `camera`). */
function columnOf(x: number, z: number): number {
  const half = (camera.position[2] - z) * Math.tan((camera.fov * Math.PI) / 360) * (width / height);
  return Math.round((width / 2) * (1 + x / half));
}

const red = '#d8342c';
const grey = '#808080';
const ball = (x: number, more: Partial<SceneObjectInput> = {}): SceneObjectInput => ({
  shape: 'sphere',
  size: [1.2, 1.2, 1.2],
  position: [x, 1, -1],
  color: red,
  ...more,
});
const boxInFront = (x: number, more: Partial<SceneObjectInput>): SceneObjectInput => ({
  shape: 'box',
  size: [1.6, 1.6, 0.3],
  position: [x, 1, 1],
  ...more,
});

/**
 * One still frame holds every case, so that the test pays for one render: from left to right a red
 * ball behind glass, one behind a solid grey box, one with nothing in front, and a grey metal ball
 * and a grey rubber one, on black with no ground so that the brightest pixels are the balls'.
 */
let frame: Buffer;
beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'reelbot-materials-'));
  const scene = parseScene({
    duration: 0.1,
    fps: 30,
    resolution: { width, height },
    background: '#000000',
    ground: { enabled: false },
    objects: [
      ball(-5),
      boxInFront(-5, { material: 'glass' }),
      ball(-2.5),
      boxInFront(-2.5, { material: 'wood', color: grey }),
      ball(0),
      ball(2.5, { position: [2.5, 1, 0], color: grey, material: 'metal' }),
      ball(5, { position: [5, 1, 0], color: grey, material: 'rubber' }),
    ].map((o) => ({ body: 'static' as const, ...o })),
    camera,
  });
  const out = path.join(dir, 'materials.rgba');
  await renderSimulation(scene, out, { encoder: { format: 'rgba' } });
  frame = (await fs.promises.readFile(out)).subarray(0, width * height * 4);
}, 120_000);

function pixel(x: number, y: number): [number, number, number] {
  const at = (y * width + x) * 4;
  return [frame[at]!, frame[at + 1]!, frame[at + 2]!];
}

/** The brightest luma of the columns within `reach` of column `x`. */
function brightest(x: number, reach: number): number {
  let max = 0;
  for (let y = 0; y < height; y++)
    for (let c = x - reach; c <= x + reach; c++) {
      const [r, g, b] = pixel(c, y);
      max = Math.max(max, 0.299 * r + 0.587 * g + 0.114 * b);
    }
  return max;
}

describe('materials as the renderer draws them (real headless-gl under Xvfb)', () => {
  it('lets the red ball show through a glass box in front of it, and not through a solid one', () => {
    const middle = height / 2;
    const [r, g, b] = pixel(columnOf(-5, -1), middle);
    expect(r).toBeGreaterThan(g + 40);
    expect(r).toBeGreaterThan(b + 40);
    const [sr, sg, sb] = pixel(columnOf(-2.5, -1), middle);
    expect(Math.abs(sr - sg)).toBeLessThan(20);
    expect(Math.abs(sr - sb)).toBeLessThan(20);
    // The glass itself is drawn: the ball behind it does not look as it does with nothing in front.
    expect(pixel(columnOf(0, -1), middle)).not.toEqual(pixel(columnOf(-5, -1), middle));
  });

  it('gives a metal ball a brighter highlight than a rubber one of the same colour', () => {
    const reach = 12;
    const metal = brightest(columnOf(2.5, 0), reach);
    const rubber = brightest(columnOf(5, 0), reach);
    expect(rubber).toBeGreaterThan(30);
    expect(metal).toBeGreaterThan(rubber + 40);
  });

  it('draws the far side of glass too: from inside a glass box its walls are there, and see-through', async () => {
    // Only back faces face a camera inside a box: drawn front faces only, the frame would be black.
    const inside = parseScene({
      duration: 0.1,
      fps: 30,
      resolution: { width: 64, height: 48 },
      background: '#000000',
      ground: { enabled: false },
      objects: [
        { body: 'static', shape: 'box', size: [8, 8, 8], position: [0, 1, 12], material: 'glass' },
        { body: 'static', shape: 'sphere', size: [4, 4, 4], position: [0, 1, 0], color: red },
      ],
      camera,
    });
    const out = path.join(dir, 'inside-glass.rgba');
    await renderSimulation(inside, out, { encoder: { format: 'rgba' } });
    const still = (await fs.promises.readFile(out)).subarray(0, 64 * 48 * 4);
    const at = (x: number, y: number) =>
      [...still.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 3)] as [number, number, number];
    // A corner, where only the glass wall is: not the black background.
    const [cr, cg, cb] = at(1, 1);
    expect(cr + cg + cb).toBeGreaterThan(30);
    // The middle, where the red ball is behind the wall: still red.
    const [r, g, b] = at(32, 24);
    expect(r).toBeGreaterThan(g + 40);
    expect(r).toBeGreaterThan(b + 40);
  }, 60_000);
});
