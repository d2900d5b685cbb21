import { interpretBuiltin, readingOf } from '../../src/simulation/interpreter/builtin/index.js';
import { colorWords } from '../../src/simulation/interpreter/builtin/words.js';
import type { Scene, SceneObject, Shape } from '../../src/simulation/scene/schema.js';

/*
 * Judges how the built-in interpreter read a sentence, against what the sentence must contain
 * (test/fixtures/interpret/corpus.json): kinds of bodies, counts within a range, colours, joints,
 * and relations between groups. It reads the scene, not pixels.
 */

/** Which bodies a rule is about; absent fields match anything. */
export interface Selector {
  shape?: Shape;
  /** A colour word ("blue") or a hex colour. */
  color?: string;
  body?: 'dynamic' | 'static';
  /** True for bodies that start with a velocity (thrown, launched), false for those that start still. */
  moving?: boolean;
}

export interface BodyRule extends Selector {
  /** How many such bodies, inclusive. */
  count: [number, number];
}

/**
 * - `above`: every `a` starts higher than the top of every `b` ("the ball starts above the pyramid").
 * - `inPath`: `b` lies ahead of `a` as `a` moves: along its velocity, or along +x, the way every
 *   built-in scene runs, when it starts still (rolling down a ramp, swinging from a chain).
 * - `around`: `a` stands round `b`: centred on it, every `a` further out than `b` reaches.
 * - `inside`: the middle of `a` is within `b`'s footprint.
 */
export interface RelationRule {
  kind: 'above' | 'inPath' | 'around' | 'inside';
  a: Selector;
  b: Selector;
}

export interface CorpusEntry {
  sentence: string;
  /** A regular expression the "Read as" text must match. */
  reading?: string;
  bodies?: BodyRule[];
  /** Joints of each kind, inclusive ranges. */
  joints?: Partial<Record<'revolute' | 'spherical' | 'fixed' | 'rope', [number, number]>>;
  relations?: RelationRule[];
}

const hexOf = (color: string) => (color.startsWith('#') ? color.toLowerCase() : colorWords[color]);

function select(scene: Scene, selector: Selector): SceneObject[] {
  const color = selector.color === undefined ? undefined : hexOf(selector.color);
  return scene.objects.filter(
    (o) =>
      (selector.shape === undefined || o.shape === selector.shape) &&
      (color === undefined || o.color === color) &&
      (selector.body === undefined || o.body === selector.body) &&
      (selector.moving === undefined || o.velocity.some((v) => v !== 0) === selector.moving),
  );
}

const describe = (selector: Selector) =>
  [
    selector.moving === undefined ? undefined : selector.moving ? 'moving' : 'still',
    selector.body,
    selector.color,
    selector.shape ?? 'body',
  ]
    .filter(Boolean)
    .join(' ');

const mean = (bodies: SceneObject[], k: 0 | 1 | 2) =>
  bodies.reduce((sum, o) => sum + o.position[k], 0) / bodies.length;

function relationProblem(scene: Scene, rule: RelationRule): string | undefined {
  const a = select(scene, rule.a);
  const b = select(scene, rule.b);
  const name = `${describe(rule.a)} ${rule.kind} ${describe(rule.b)}`;
  if (!a.length || !b.length) return `${name}: no ${!a.length ? describe(rule.a) : describe(rule.b)}`;
  switch (rule.kind) {
    case 'above': {
      const top = Math.max(...b.map((o) => o.position[1] + o.size[1] / 2));
      return a.every((o) => o.position[1] > top)
        ? undefined
        : `${name}: not all start above ${top.toFixed(2)} m`;
    }
    case 'inPath': {
      const velocity = [
        a.reduce((sum, o) => sum + o.velocity[0], 0),
        a.reduce((sum, o) => sum + o.velocity[2], 0),
      ];
      const speed = Math.hypot(velocity[0]!, velocity[1]!);
      const [dx, dz] = speed > 1e-6 ? [velocity[0]! / speed, velocity[1]! / speed] : [1, 0];
      const [ox, oz] = [mean(b, 0) - mean(a, 0), mean(b, 2) - mean(a, 2)];
      const ahead = ox * dx + oz * dz;
      const aside = Math.abs(-ox * dz + oz * dx);
      const reach = Math.max(
        ...b.map(
          // How far each body reaches across the way: its offset plus half its width that way.
          (o) =>
            Math.abs((o.position[0] - mean(b, 0)) * dz - (o.position[2] - mean(b, 2)) * dx) +
            (Math.abs(o.size[0] * dz) + Math.abs(o.size[2] * dx)) / 2,
        ),
      );
      if (ahead <= 0) return `${name}: it is behind, ${ahead.toFixed(2)} m along the way it moves`;
      return aside <= reach + 0.5 ? undefined : `${name}: ${aside.toFixed(2)} m to the side of its way`;
    }
    case 'around': {
      const [cx, cz] = [mean(b, 0), mean(b, 2)];
      const off = Math.hypot(mean(a, 0) - cx, mean(a, 2) - cz);
      const reach = Math.max(
        ...b.map((o) => Math.hypot(o.position[0] - cx, o.position[2] - cz) + o.size[0] / 2),
      );
      const inner = Math.min(...a.map((o) => Math.hypot(o.position[0] - cx, o.position[2] - cz)));
      if (off > 0.5) return `${name}: centred ${off.toFixed(2)} m away`;
      return inner > reach
        ? undefined
        : `${name}: one is ${inner.toFixed(2)} m out, inside ${reach.toFixed(2)} m`;
    }
    case 'inside': {
      const [x, z] = [mean(a, 0), mean(a, 2)];
      const within = (k: 0 | 2, v: number) =>
        v >= Math.min(...b.map((o) => o.position[k] - o.size[k] / 2)) &&
        v <= Math.max(...b.map((o) => o.position[k] + o.size[k] / 2));
      return within(0, x) && within(2, z) ? undefined : `${name}: its middle is outside`;
    }
  }
}

/** Everything `entry` asks that the scene does not have; empty when it was read right. */
export function judgeReading(entry: CorpusEntry, scene: Scene = interpretBuiltin(entry.sentence)): string[] {
  const problems: string[] = [];
  if (entry.reading && !new RegExp(entry.reading).test(readingOf(entry.sentence)))
    problems.push(`read as "${readingOf(entry.sentence)}", not /${entry.reading}/`);
  for (const rule of entry.bodies ?? []) {
    const found = select(scene, rule).length;
    if (found < rule.count[0] || found > rule.count[1])
      problems.push(`${found} ${describe(rule)}, not ${rule.count[0]}-${rule.count[1]}`);
  }
  for (const [kind, [min, max]] of Object.entries(entry.joints ?? {})) {
    const found = scene.joints.filter((j) => j.kind === kind).length;
    if (found < min || found > max) problems.push(`${found} ${kind} joints, not ${min}-${max}`);
  }
  for (const rule of entry.relations ?? []) {
    const problem = relationProblem(scene, rule);
    if (problem) problems.push(problem);
  }
  return problems;
}
