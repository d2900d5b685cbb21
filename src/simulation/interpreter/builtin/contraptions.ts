import type { Random } from '../../random.js';
import type { SceneJointInput, SceneObjectInput, Vec3 } from '../../scene/schema.js';
import { bounds, type Layout, type Look, material, typicalSize } from './layouts.js';
import { emptyPart, hitting, type Part } from './parts.js';
import { numberAt, wordsOf } from './words.js';

/*
 * Scenes held together by joints: things that swing, tip and turn rather than only fall. Each
 * builder returns bodies and the joints between them (scene/schema.ts, `jointSchema`).
 */

/** Jointed scenes the built-in interpreter knows by name. */
export type Contraption = 'cradle' | 'seesaw' | 'gate' | 'chain' | 'bowl' | 'funnel' | 'pendulum';

const contraptionPatterns: [RegExp, Contraption][] = [
  [/\bnewton'?s'? cradle\b|\bcradle\b/, 'cradle'],
  [/\bsee-?saws?\b|\bteeter-?totter\b/, 'seesaw'],
  [/\bgates?\b|\bdoors?\b/, 'gate'],
  [/\bfunnels?\b/, 'funnel'],
  [/\bbowls?\b/, 'bowl'],
  [/\bpendulums?\b/, 'pendulum'],
  [/\bchains?\b/, 'chain'],
];

/** The jointed scene a sentence names, if any ("Newton's cradle", "a seesaw", "a swinging gate"). */
export function contraptionOf(text: string): Contraption | undefined {
  // A wrecking ball, or a ball on a chain, is the ball of a knock-down scene, hung by `hangOnChain`.
  const rest = text.replace(/\bwrecking balls?\b|\b(on|from) (a|its) chain\b/g, '');
  return contraptionPatterns.find(([pattern]) => pattern.test(rest))?.[1];
}

/**
 * The parts of a sentence a contraption is built of, so the rest can stand beside it: a cradle's,
 * a bowl's or a funnel's balls ("a Newton's cradle with 5 steel balls"), the one ball a seesaw
 * launches, a gate is hit by or a pendulum swings, and the block dropped on a seesaw. A chain's
 * links are no shape the part reader knows.
 */
export function ownParts(kind: Contraption, parts: Part[]): Part[] {
  const loose = parts.filter((p) => p.kind === 'group' && !p.arrangement);
  const single = (p: Part) => (p.count === undefined ? !/s$/.test(p.noun) : p.count === 1);
  const first = (test: (p: Part) => boolean) => loose.filter(test).slice(0, 1);
  switch (kind) {
    case 'cradle':
    case 'bowl':
    case 'funnel':
      return first((p) => p.shape === 'sphere');
    case 'seesaw':
      return [
        ...first((p) => p.shape === 'sphere' && single(p)),
        ...first((p) => p.shape === 'box' && single(p)),
      ];
    case 'gate':
    case 'pendulum':
      return first((p) => p.shape === 'sphere' && single(p));
    case 'chain':
      return [];
  }
}

/**
 * The parts of a sentence whose pendulum hits something ("a pendulum smashes a tower of boxes"): it
 * swings as a wrecking ball does, so it is a ball that moves, unless a lone ball is named to be it
 * ("a pendulum with a steel ball"). Undefined when the sentence's pendulum hits nothing.
 */
export function pendulumHitting(text: string, parts: Part[]): Part[] | undefined {
  if (contraptionOf(text) !== 'pendulum' || !parts.some(hitting)) return undefined;
  const bob = parts.some((p) => p.kind === 'group' && p.shape === 'sphere' && !p.relation && !p.arrangement);
  return bob ? parts : [{ ...emptyPart('group', 'sphere', 'pendulum'), count: 1 }, ...parts];
}

/**
 * The first count a sentence gives ("a chain of 10 links", "five balls"): a contraption's parts
 * need not be shapes the noun-phrase reader knows.
 */
export function firstCount(text: string): number | undefined {
  const words = wordsOf(text);
  for (let i = 0; i < words.length; i++) {
    const count = numberAt(words, i);
    // "a" and "one" name a thing, not a count of its parts.
    if (count && count.value > 1) return count.value;
  }
  return undefined;
}

/** "A wrecking ball", anything "on a chain", or a "pendulum" swings from a crane; other balls are thrown. */
export function hangsOnChain(text: string): boolean {
  return /\bwrecking balls?\b|\bon a chain\b|\bpendulum\b/.test(text.toLowerCase());
}

/** What the reading says for each contraption, as in "Read as: a Newton's cradle of 5 balls". */
export function describeContraption(kind: Contraption, count: number): string {
  switch (kind) {
    case 'cradle':
      return `a Newton's cradle of ${count} balls`;
    case 'seesaw':
      return 'a seesaw with a ball on one end and a weight dropped on the other';
    case 'gate':
      return 'a gate on a hinge, and a ball thrown at it';
    case 'chain':
      return `a chain of ${count} links swinging from a bar`;
    case 'bowl':
      return `${count} marbles poured into a bowl`;
    case 'funnel':
      return `${count} marbles poured through a funnel`;
    case 'pendulum':
      return 'a ball swinging on a chain';
  }
}

/** Bodies and the joints that hold them: a layout with joints. */
export interface Rig {
  objects: SceneObjectInput[];
  joints: SceneJointInput[];
}

/** A layout with its joints, how long it wants filming, and whether the camera looks from the front. */
export interface JointedLayout extends Layout {
  joints: SceneJointInput[];
  duration: number;
  side: boolean;
}

const degrees = (radians: number) => (radians * 180) / Math.PI;
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];

const steel = {
  material: 'metal' as const,
  color: '#5b616b',
  metalness: 0.85,
  roughness: 0.3,
  density: 7800,
};

/**
 * A chain of capsule links from `pivot`, hanging at `angle` radians from straight down (positive
 * towards -x), joined by spherical joints, the first to the world. A link's own y axis runs along
 * the chain, so its ends are `[0, ±length / 2, 0]`.
 */
export function chainFrom(pivot: Vec3, angle: number, count: number, linkLength: number, id = 'chain'): Rig {
  const down: Vec3 = [-Math.sin(angle), -Math.cos(angle), 0];
  const half = linkLength / 2;
  const objects: SceneObjectInput[] = [];
  const joints: SceneJointInput[] = [];
  for (let i = 0; i < count; i++) {
    objects.push({
      id: `${id}-${i}`,
      shape: 'capsule',
      size: [Math.min(0.16, linkLength * 0.5), linkLength, Math.min(0.16, linkLength * 0.5)],
      position: add(pivot, scale(down, linkLength * (i + 0.5))),
      rotation: [0, 0, -degrees(angle)],
      ...steel,
      friction: 0.4,
      restitution: 0.05,
    });
    joints.push(
      i === 0
        ? { kind: 'spherical', a: `${id}-0`, anchorA: [0, half, 0], anchorB: pivot }
        : {
            kind: 'spherical',
            a: `${id}-${i - 1}`,
            b: `${id}-${i}`,
            anchorA: [0, -half, 0],
            anchorB: [0, half, 0],
          },
    );
  }
  return { objects, joints };
}

/**
 * Hangs `ball` on a chain from a crane arm so that, let go 55 degrees back, it swings into the
 * near (-x) face of `target` at half its height: a wrecking ball. A rope joint from the pivot keeps
 * the heavy ball from stretching the light links.
 */
export function hangOnChain(ball: SceneObjectInput, target: Layout): Rig {
  const d = ball.size[0];
  const height = target.max[1] - Math.max(0, target.min[1]);
  const hitY = Math.max(d / 2 + 0.1, height * 0.5);
  const z = (target.min[2] + target.max[2]) / 2;
  const length = Math.max(4, height * 0.6 + 4);
  // Its lowest point is inside the face by a sixth of its width, so it strikes just before it.
  const pivot: Vec3 = [target.min[0] - d * 0.35, hitY + length, z];
  const angle = (55 * Math.PI) / 180;
  const down: Vec3 = [-Math.sin(angle), -Math.cos(angle), 0];
  const links = Math.max(4, Math.min(14, Math.round((length - d / 2) / 0.45)));
  const chain = chainFrom(pivot, angle, links, (length - d / 2) / links);
  const id = 'wrecking-ball';
  const hung: SceneObjectInput = {
    ...ball,
    id,
    position: add(pivot, scale(down, length)),
    velocity: [0, 0, 0],
  };
  const crane = { body: 'static' as const, color: '#d9a21b', roughness: 0.6, metalness: 0.2 };
  const postZ = z - 2.5;
  return {
    objects: [
      ...chain.objects,
      hung,
      // The arm reaches over the pivot from a post set back out of the swing.
      { shape: 'box', size: [0.4, 0.4, 2.9], position: [pivot[0], pivot[1] + 0.2, z - 1.25], ...crane },
      {
        shape: 'box',
        size: [0.5, pivot[1] + 0.4, 0.5],
        position: [pivot[0], (pivot[1] + 0.4) / 2, postZ],
        ...crane,
      },
    ],
    joints: [
      ...chain.joints,
      {
        kind: 'spherical',
        a: `chain-${links - 1}`,
        b: id,
        anchorA: [0, -chain.objects[0]!.size[1] / 2, 0],
        anchorB: scale(down, -d / 2),
      },
      { kind: 'rope', a: id, anchorB: pivot, length },
    ],
  };
}

function finish(rig: Rig, duration: number, side = false): JointedLayout {
  return { ...rig, ...bounds(rig.objects), duration, side };
}

/**
 * Steel balls in a row, each on a string to a frame above (a revolute joint about z, so they swing
 * in one plane), the first pulled back 40 degrees. A string is a thin cylinder welded to its ball,
 * turned with it, so the ball's own frame has the pivot straight above at `[0, length, 0]`.
 */
export function newtonsCradle(count: number, look: Look): JointedLayout {
  const d = typicalSize(look, 0.6);
  const length = 2.2 * look.sizeScale;
  const top = length + d / 2 + 0.9;
  const objects: SceneObjectInput[] = [];
  const joints: SceneJointInput[] = [];
  // Hung touching, the balls met as one contact group and the solver shared the blow among them
  // all, so the row swung off together. A gap of a few per cent of a ball makes each contact its
  // own, one after the other: the first ball stops and the last flies out, as in the toy.
  const pitch = d * 1.04;
  const span = (count - 1) * pitch;
  for (let i = 0; i < count; i++) {
    const pivot: Vec3 = [i * pitch - span / 2, top, 0];
    const angle = i === 0 ? (40 * Math.PI) / 180 : 0;
    const down: Vec3 = [-Math.sin(angle), -Math.cos(angle), 0];
    const rotation: Vec3 = [0, 0, -degrees(angle)];
    const ball = `ball-${i}`;
    const string = `string-${i}`;
    const stringLength = length - d / 2;
    objects.push(
      {
        id: ball,
        shape: 'sphere',
        size: [d, d, d],
        position: add(pivot, scale(down, length)),
        rotation,
        color: look.colors[i % look.colors.length] ?? '#c9ccd1',
        material: 'metal',
        metalness: 0.95,
        roughness: 0.15,
        density: 7800,
        friction: 0,
        restitution: 1,
      },
      {
        id: string,
        shape: 'cylinder',
        size: [0.03, stringLength, 0.03],
        position: add(pivot, scale(down, stringLength / 2)),
        rotation,
        color: '#2b2b2b',
        density: 100,
      },
    );
    joints.push(
      { kind: 'revolute', a: ball, anchorA: [0, length, 0], anchorB: pivot, axis: [0, 0, 1] },
      { kind: 'fixed', a: string, b: ball, anchorA: [0, -stringLength / 2, 0], anchorB: [0, d / 2, 0] },
    );
  }
  const frame = { body: 'static' as const, color: '#3a3f47', metalness: 0.6, roughness: 0.4 };
  // The posts stand clear of the first ball at the top of its swing.
  const width = span + 2 * (length * Math.sin((40 * Math.PI) / 180) + d + 0.3);
  objects.push(
    { shape: 'box', size: [width, 0.12, 0.12], position: [0, top + 0.06, 0], ...frame },
    { shape: 'box', size: [0.12, top + 0.12, 0.12], position: [-width / 2, (top + 0.12) / 2, 0], ...frame },
    { shape: 'box', size: [0.12, top + 0.12, 0.12], position: [width / 2, (top + 0.12) / 2, 0], ...frame },
  );
  // Framed on the stand itself: nothing leaves it, and the bounding spheres of its long beam and
  // posts would make it metres deep and high, so that the camera stood back and the toy filled a
  // third of the picture.
  const depth = d / 2 + 0.1;
  return {
    objects,
    joints,
    min: [-width / 2 - 0.06, 0, -depth],
    max: [width / 2 + 0.06, top + 0.12, depth],
    duration: 6,
    side: true,
  };
}

/** A plank on a hinge over a wedge, a light ball on its low end and a heavy block dropped on the other. */
export function seesaw(look: Look): JointedLayout {
  const wood = {
    material: 'wood' as const,
    color: '#a0703c',
    roughness: 0.8,
    metalness: 0,
    density: 600,
    friction: 0.7,
    restitution: 0.1,
  };
  const hinge: Vec3 = [0, 1.0, 0];
  const objects: SceneObjectInput[] = [
    // A box turned 45 degrees is the wedge; its top edge stays just under the plank.
    {
      shape: 'box',
      body: 'static',
      size: [0.66, 0.66, 0.8],
      position: [0, 0.5, 0],
      rotation: [0, 0, 45],
      ...wood,
      color: '#6d4c2a',
    },
    { id: 'plank', shape: 'box', size: [5, 0.15, 0.7], position: [0, 1.05, 0], ...wood },
    {
      id: 'rider',
      shape: 'sphere',
      size: [0.5, 0.5, 0.5],
      position: [-2.2, 1.4, 0],
      ...material({ ...look, rubber: true }, 0),
    },
    {
      id: 'weight',
      shape: 'box',
      size: [0.8, 0.8, 0.8],
      position: [2.1, 5, 0],
      ...material({ ...look, heavy: true }, 1),
      density: 6000,
    },
  ];
  return finish(
    {
      objects,
      joints: [{ kind: 'revolute', a: 'plank', anchorA: [0, -0.05, 0], anchorB: hinge, axis: [0, 0, 1] }],
    },
    4,
  );
}

/** A wooden gate hung on a post by a hinge about y, and a ball thrown at its free end. */
export function gate(look: Look): JointedLayout {
  const post = { body: 'static' as const, color: '#5c4128', roughness: 0.85 };
  const objects: SceneObjectInput[] = [
    { shape: 'box', size: [0.25, 2.4, 0.25], position: [0, 1.2, -1.75], ...post },
    { shape: 'box', size: [0.25, 2.4, 0.25], position: [0, 1.2, 1.75], ...post },
    {
      id: 'gate',
      shape: 'box',
      size: [0.15, 2.0, 3.0],
      position: [0, 1.1, 0],
      color: '#a0703c',
      roughness: 0.8,
      density: 500,
    },
    {
      id: 'ball',
      shape: 'sphere',
      size: [0.7, 0.7, 0.7],
      position: [-6, 0.9, 0.9],
      velocity: [9, 1.5, 0],
      ...material({ ...look, heavy: true }, 0),
      density: 3000,
    },
  ];
  return finish(
    {
      objects,
      joints: [
        { kind: 'revolute', a: 'gate', anchorA: [0, 0, -1.5], anchorB: [0, 1.1, -1.5], axis: [0, 1, 0] },
      ],
    },
    4,
  );
}

/** A chain held out level from a bar, let go to swing down and whip. */
export function hangingChain(count: number, look: Look): JointedLayout {
  const link = 0.45 * look.sizeScale;
  const pivot: Vec3 = [-(count * link) / 2, count * link + 1.2, 0];
  const chain = chainFrom(pivot, -Math.PI / 2, count, link);
  const bar = {
    shape: 'box' as const,
    body: 'static' as const,
    color: '#3a3f47',
    metalness: 0.6,
    roughness: 0.4,
  };
  for (const [i, o] of chain.objects.entries()) o.color = look.colors[i % look.colors.length] ?? o.color;
  chain.objects.push({ ...bar, size: [0.3, 0.3, 1.6], position: [pivot[0], pivot[1] + 0.15, 0] });
  return finish(chain, 5, true);
}

/**
 * Marbles poured into a bowl, or through a funnel (the same cone of staves, open at the bottom and
 * raised, so they run out below). The staves are static boxes set round a circle and leant out.
 */
export function vessel(count: number, look: Look, random: Random, funnel: boolean): JointedLayout {
  const staves = 20;
  const [bottom, top, height] = funnel ? [0.5, 2.4, 1.8] : [1.0, 2.4, 1.4];
  const base = funnel ? 1.6 : 0.1;
  const lean = Math.atan2(top - bottom, height);
  const slant = Math.hypot(top - bottom, height);
  const middle = (top + bottom) / 2;
  const glass = {
    body: 'static' as const,
    color: funnel ? '#9fb4c7' : '#c98f5a',
    roughness: 0.35,
    metalness: 0.1,
  };
  const objects: SceneObjectInput[] = [];
  for (let k = 0; k < staves; k++) {
    const around = (2 * Math.PI * k) / staves;
    objects.push({
      shape: 'box',
      size: [((2 * Math.PI * top) / staves) * 1.08, slant, 0.08],
      position: [middle * Math.sin(around), base + height / 2, middle * Math.cos(around)],
      rotation: [degrees(lean), degrees(around), 0],
      ...glass,
    });
  }
  if (!funnel)
    objects.push({
      shape: 'cylinder',
      size: [bottom * 2 + 0.1, 0.1, bottom * 2 + 0.1],
      position: [0, base, 0],
      ...glass,
    });
  const d = typicalSize(look, 0.26);
  const perLayer = 9;
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / perLayer);
    const at = ((i % perLayer) / perLayer) * 2 * Math.PI + layer;
    const r = 0.3 + random.between(0, 0.9);
    objects.push({
      shape: 'sphere',
      size: [d, d, d],
      position: [r * Math.cos(at), base + height + 1 + layer * (d + 0.05), r * Math.sin(at)],
      ...material({ ...look, metal: look.metal || !look.rubber }, i),
      friction: 0.2,
      restitution: 0.3,
    });
  }
  return finish({ objects, joints: [] }, funnel ? 6 : 4);
}
