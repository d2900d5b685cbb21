import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scene } from '../../../src/simulation/scene/schema.js';
import { runReelbot } from '../../support/reelbot-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-reading-'));
// A data folder that does not exist: a look at a scene needs none, and makes none.
const dataDir = path.join(tmp, 'data');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** `reelbot simulate SENTENCE --scene-only`, which must succeed: its reading, summary and scene. */
async function lookAt(sentence: string): Promise<{ readAs: string; summary: string; scene: Scene }> {
  const run = await runReelbot(['simulate', sentence, '--scene-only'], { DATA_DIR: dataDir });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const [readAs, summary, ...json] = run.stdout.split('\n');
  return { readAs: readAs!, summary: summary!, scene: JSON.parse(json.join('\n')) as Scene };
}

// A real `bin/reelbot` process; tsx start-up takes seconds on a busy machine.
describe('reelbot simulate --scene-only', { timeout: 120_000 }, () => {
  it('says how it read a sentence of several parts and prints the composed scene without rendering', async () => {
    const { readAs, summary, scene } = await lookAt(
      'eight blue balls roll down a ramp into a wall of 15 yellow boxes',
    );
    expect(readAs).toBe('Read as: 8 blue balls, a ramp, a wall of 15 yellow boxes');
    expect(summary).toMatch(/^Scene: 24 objects, /);
    expect(scene.objects.filter((o) => o.shape === 'sphere' && o.color === '#2f6fd6')).toHaveLength(8);
    expect(scene.objects.filter((o) => o.shape === 'box' && o.color === '#f2c218')).toHaveLength(15);
    // Nothing was rendered or recorded: no data folder, so no video and no database.
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('throws the ball at the tower and stands the pyramid joined by "and" still beside it, and says so', async () => {
    const { readAs, scene } = await lookAt('a ball rolls into a tower of 10 boxes and a pyramid of 6 crates');
    expect(readAs).toBe('Read as: a ball, a tower of 10 boxes, a pyramid of 6 crates');
    const moving = (o: Scene['objects'][number]) => o.velocity.some((v) => v !== 0);
    const balls = scene.objects.filter((o) => o.shape === 'sphere');
    expect(balls).toHaveLength(1);
    expect(balls[0]!.velocity[0]).toBeGreaterThan(0);
    const boxes = scene.objects.filter((o) => o.shape === 'box');
    expect(boxes).toHaveLength(16);
    expect(boxes.filter(moving)).toEqual([]);
  });

  it('reads stairs of 500 steps as one staircase, capped and said so, with a ball to roll down it', async () => {
    const { readAs, scene } = await lookAt('stairs of 500 steps');
    expect(readAs).toBe('Read as: a ball, stairs of 30 steps (capped from 500)');
    expect(scene.objects.filter((o) => o.shape === 'box' && o.body === 'static')).toHaveLength(30);
    expect(scene.objects.filter((o) => o.shape === 'sphere')).toHaveLength(1);
  });

  it('builds a 2 meter ball 2 m across and says so', async () => {
    const { readAs, scene } = await lookAt('a 2 meter ball falls onto a pyramid of 10 crates');
    expect(readAs).toBe('Read as: a 2 m ball, a pyramid of 10 crates');
    expect(scene.objects.filter((o) => o.shape === 'sphere').map((o) => o.size)).toEqual([[2, 2, 2]]);
  });

  it('gives the boxes the weight said after them, each, and reads it after the noun', async () => {
    const { readAs, scene } = await lookAt('a red ball rolls into a tower of 8 boxes of 2 kg each');
    expect(readAs).toBe('Read as: a red ball, a tower of 8 boxes (2 kg)');
    const boxes = scene.objects.filter((o) => o.shape === 'box');
    expect(boxes.map((o) => o.mass)).toEqual(Array(8).fill(2));
    expect(scene.objects.find((o) => o.shape === 'sphere')!.mass).toBeUndefined();
  });

  it('rolls the ball the sentence rolls, though another verb of it falls', async () => {
    const { readAs, scene } = await lookAt('a bowling ball rolls into 10 pins and they tumble');
    expect(readAs).toBe('Read as: a bowling ball, 10 pins');
    const pins = scene.objects.filter((o) => o.shape === 'cylinder');
    const [ball] = scene.objects.filter((o) => o.shape === 'sphere');
    expect(ball!.velocity[0]).toBeGreaterThan(0);
    expect(ball!.position[0]).toBeLessThan(Math.min(...pins.map((o) => o.position[0])));
  });

  it('throws a ball into a tower named alone, which stood still for the whole video, and reads it', async () => {
    const { readAs, scene } = await lookAt('a tower of 10 boxes');
    expect(readAs).toBe('Read as: a ball, a tower of 10 boxes');
    const boxes = scene.objects.filter((o) => o.shape === 'box');
    const [ball] = scene.objects.filter((o) => o.shape === 'sphere');
    expect(boxes).toHaveLength(10);
    expect(ball!.velocity[0]).toBeGreaterThan(0);
    expect(ball!.position[0]).toBeLessThan(Math.min(...boxes.map((o) => o.position[0])));
  });

  it('reads the spiral its dominoes stand on, though the sentence first calls them a row', async () => {
    const { readAs, scene } = await lookAt('a row of 30 dominoes in a spiral, the first one pushed');
    expect(readAs).toBe('Read as: a spiral of 30 dominoes');
    const dominoes = scene.objects.filter((o) => o.shape === 'box');
    expect(dominoes).toHaveLength(30);
    expect(dominoes.filter((o) => o.angularVelocity.some((v) => v !== 0))).toHaveLength(1);
    // Wound round the middle: on both sides of it across the way, not along a line.
    expect(dominoes.some((o) => o.position[2] > 1) && dominoes.some((o) => o.position[2] < -1)).toBe(true);
  });

  it("builds the boxes a sentence names beside its Newton's cradle, and reads them", async () => {
    const { readAs, scene } = await lookAt('a newtons cradle with 5 balls and 3 boxes');
    expect(readAs).toBe("Read as: a Newton's cradle of 5 balls, 3 boxes");
    expect(scene.objects.filter((o) => o.shape === 'sphere')).toHaveLength(5);
    expect(scene.objects.filter((o) => o.shape === 'box' && o.body === 'dynamic')).toHaveLength(3);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
