import { describe, expect, it } from 'vitest';
import { interpretBuiltin } from '../../../src/simulation/interpreter/builtin/index.js';
import { floatsPerBody, frameOf, simulate } from '../../../src/simulation/physics/simulate.js';
import type { Scene } from '../../../src/simulation/scene/schema.js';

type Body = Scene['objects'][number];

/** How far each body matching `pick` moved from its start by the last frame. */
async function outcome(prompt: string, pick: (o: Body) => boolean) {
  const scene = interpretBuiltin(prompt);
  const trajectory = await simulate(scene);
  const first = frameOf(trajectory, 0);
  const last = frameOf(trajectory, trajectory.frames - 1);
  const at = (frame: Float32Array, i: number) =>
    [0, 1, 2].map((k) => frame[i * floatsPerBody + k]!) as [number, number, number];
  const picked = scene.objects.flatMap((o, i) => (pick(o) ? [i] : []));
  return picked.map((i) => ({
    start: at(first, i),
    end: at(last, i),
    moved: Math.hypot(...at(last, i).map((v, k) => v - at(first, i)[k]!)),
  }));
}

// What the composed scenes do when run: the movers reach what they were aimed at.
describe('composed scenes, run through the physics', { timeout: 60_000 }, () => {
  it('the balls rolling down the ramp knock boxes out of the wall', async () => {
    const wall = await outcome(
      'eight blue balls roll down a ramp into a wall of 15 yellow boxes',
      (o) => o.color === '#f2c218',
    );
    expect(wall.filter((b) => b.moved > 0.3).length).toBeGreaterThanOrEqual(2);
  });

  it('the ball put on stairs of 500 steps (30 built) rolls down most of them', async () => {
    const [ball] = await outcome('stairs of 500 steps', (o) => o.shape === 'sphere');
    // From the top step, 13.5 m up, to well down the 27 m of steps.
    expect(ball!.end[0] - ball!.start[0]).toBeGreaterThan(10);
    expect(ball!.end[1]).toBeLessThan(ball!.start[1] - 5);
  });

  it('the balls set beside a tower come to rest on the ground and leave the tower standing', async () => {
    const prompt = 'a tower of 15 red blocks and 3 blue balls';
    const tower = await outcome(prompt, (o) => o.color === '#d8342c');
    const balls = await outcome(prompt, (o) => o.color === '#2f6fd6');
    expect(balls).toHaveLength(3);
    for (const b of balls) expect(b.end[1]).toBeLessThan(0.5);
    for (const b of tower) expect(b.moved).toBeLessThan(0.1);
  });

  it('the bowling ball knocks pins over', async () => {
    const pins = await outcome('a bowling ball knocks down ten pins', (o) => o.shape === 'cylinder');
    expect(pins.filter((p) => p.moved > 0.2).length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    'three red balls and two green cylinders drop into a glass box',
    // Spread as wide as the box's walls' bounding spheres, marbles landed on the rims and bounced out.
    'ten marbles fall into a glass box',
    // Settled in it, they lay still for the whole video: with nothing else to fall in, they are poured.
    'ten marbles in a glass box',
    'a box of marbles',
  ])('what "%s" drops into the box ends up inside it', async (prompt) => {
    const scene = interpretBuiltin(prompt);
    const panels = scene.objects.filter((o) => o.body === 'static');
    const [xs, zs] = [0, 2].map((k) => panels.map((p) => p.position[k]!));
    const dropped = await outcome(prompt, (o) => o.body === 'dynamic');
    expect(dropped.length).toBeGreaterThan(4);
    for (const body of dropped) {
      expect(body.end[0]).toBeGreaterThan(Math.min(...xs!));
      expect(body.end[0]).toBeLessThan(Math.max(...xs!));
      expect(body.end[2]).toBeGreaterThan(Math.min(...zs!));
      expect(body.end[2]).toBeLessThan(Math.max(...zs!));
      expect(body.end[1]).toBeLessThan(body.start[1] - 1);
    }
  });

  it('the steel ball lands on the pyramid and moves crates', async () => {
    const crates = await outcome(
      'a heavy steel ball falls onto a pyramid of wooden crates',
      (o) => o.shape === 'box',
    );
    expect(crates.some((c) => c.moved > 0.1)).toBe(true);
  });

  it('the marbles come down the stairs', async () => {
    const marbles = await outcome('marbles pour down stairs', (o) => o.shape === 'sphere');
    for (const m of marbles) expect(m.end[1]).toBeLessThan(m.start[1] - 1.5);
  });

  it.each(['20 dominoes', 'dominoes in a ring', '50 dominoes'])(
    'the pushed first of "%s" topples them all before the video ends',
    async (prompt) => {
      const height = interpretBuiltin(prompt).objects[0]!.size[1];
      const dominoes = await outcome(prompt, () => true);
      for (const d of dominoes) expect(d.end[1]).toBeLessThan(height * 0.35);
    },
  );

  it('the pushed domino of a spiral topples all 30 by the end', async () => {
    const prompt = 'a row of 30 dominoes in a spiral, the first one pushed';
    const scene = interpretBuiltin(prompt);
    const radii = scene.objects.map((o) => Math.hypot(o.position[0], o.position[2]));
    // A spiral: every domino further out than the one before it.
    for (let i = 1; i < radii.length; i++) expect(radii[i]).toBeGreaterThan(radii[i - 1]!);
    const dominoes = await outcome(prompt, () => true);
    expect(dominoes).toHaveLength(30);
    for (const d of dominoes) expect(d.end[1]).toBeLessThan(scene.objects[0]!.size[1] * 0.35);
  });
});
