import type { Random } from '../../random.js';
import { materialTable } from '../../scene/materials.js';
import { type SceneJointInput, type SceneObjectInput, sceneLimits, type Vec3 } from '../../scene/schema.js';
import {
  container,
  grid,
  pins,
  ring,
  ringDominoes,
  row,
  spiralDominoes,
  stairRise,
  stairRun,
  stairs,
  translate,
  wall,
} from './arrangements.js';
import { hangOnChain, hangsOnChain } from './contraptions.js';
import type { HeldCounts } from './held-counts.js';
import {
  bounds,
  defaultColors,
  dominoes,
  type Layout,
  type Look,
  material,
  materialOfLook,
  pyramid,
  ramp,
  sizeOf,
  tower,
  typicalSize,
  wreckingBall,
} from './layouts.js';
import { hitting, type Part } from './parts.js';
import { heldMeasure } from './words.js';

/** A scene of several parts, before the camera is placed. */
export interface Composition {
  layout: Layout;
  /** Film from the side: things travel along x. */
  side: boolean;
  duration: number;
  /** What holds bodies together: a wrecking ball's chain. */
  joints: SceneJointInput[];
}

export function lookOfPart(part: Part, colorful: string[] | undefined): Look {
  const look: Look = {
    colors: [],
    sizeScale: part.sizeScale ?? 1,
    ...(part.length === undefined ? {} : { length: heldMeasure('length', part.length) }),
    ...(part.mass === undefined ? {} : { mass: heldMeasure('mass', part.mass) }),
    metal: part.metal,
    rubber: part.rubber,
    icy: part.icy,
    wooden: part.wooden,
    glass: part.glass,
    heavy: part.heavy || part.metal,
  };
  const named = materialOfLook(look);
  const fallback =
    part.kind === 'pins' ? '#f4f4f4' : named ? materialTable[named].color : defaultColors[part.shape];
  look.colors = colorful ?? (part.colors.length ? part.colors : [fallback]);
  return look;
}

function countOf(part: Part, fallback: number): number {
  const plural = /s$/.test(part.noun);
  return Math.max(1, Math.min(300, Math.round(part.count ?? (plural ? fallback : 1))));
}

/**
 * The steps of a staircase: as said, 6 when not; at most 30, 13.5 m high, which a camera still
 * frames with what rolls down it in view.
 */
function stepsOf(part: Part): number {
  return Math.max(2, Math.min(30, Math.round(part.count ?? 6)));
}

/** Bodies the counted parts may have together: the scene's limit, less room for a ramp, stairs, a container's walls or a chain. */
const partsBudget = sceneLimits.maxObjects - 40;

/**
 * The parts with their counts as built, each noted in `counts`: a part holds at most 300 bodies,
 * and when together they ask for more than a scene may hold they are scaled down, each in
 * proportion: "400 balls into a wall of 400 boxes" made a scene of over 500 bodies, which the
 * schema refused, and the person got no video. Only counts that were said are scaled; the few of a
 * part without one are set aside first.
 */
function shareBodies(parts: Part[], counts: HeldCounts): Part[] {
  const counted = (p: Part) => (p.kind === 'group' || p.kind === 'pins') && p.count !== undefined;
  const said = parts.filter(counted).reduce((sum, p) => sum + countOf(p, 1), 0);
  const unsaid = parts.filter((p) => !counted(p) && p.kind !== 'ramp' && p.kind !== 'stairs').length * 15;
  const room = partsBudget - unsaid;
  return parts.map((p) =>
    counted(p) ? { ...p, count: counts.hold(p.noun, p.count, inProportion(countOf(p, 1), said, room)) } : p,
  );
}

/** `count` of `said` bodies in all, scaled down in proportion when they do not fit in `room`; at least one. */
function inProportion(count: number, said: number, room: number): number {
  return said <= room ? count : Math.max(1, Math.floor((count * room) / said));
}

/** A singular box that things go into is a container, not a body. */
function isContainer(part: Part): boolean {
  return (
    part.kind === 'group' &&
    part.shape === 'box' &&
    !part.arrangement &&
    countOf(part, 2) === 1 &&
    part.relation === 'into'
  );
}

function targetLayout(part: Part, look: Look, moverCount: number): Layout {
  if (part.kind === 'pins') return pins(countOf(part, 10), look);
  if (isContainer(part)) return container(Math.max(2, Math.sqrt(moverCount) * 0.8), look, part.glass);
  const count = countOf(part, 12);
  switch (part.arrangement) {
    case 'tower':
      return tower(count, part.shape, look);
    case 'pyramid':
      return pyramid(countOf(part, 10), part.shape, look);
    case 'wall':
      return wall(countOf(part, 15), part.shape, look);
    case 'row':
      return /^domino/.test(part.noun) ? dominoes(count, look, false) : row(count, part.shape, look);
    case 'ring':
      return /^domino/.test(part.noun) ? ringDominoes(count, look, false) : ring(count, part.shape, look);
    case 'spiral':
      return spiralDominoes(count, look);
    case 'stack':
      return tower(countOf(part, 6), part.shape, look);
    case 'pile':
      return grid(count, part.shape, look, true);
    default:
      return count === 1 ? tower(1, part.shape, look) : grid(count, part.shape, look);
  }
}

/** `part`'s bodies in a ring round the middle of `inner`, clear of it. */
function encircle(part: Part, look: Look, inner: Layout): SceneObjectInput[] {
  const circle = ring(countOf(part, part.kind === 'pins' ? 10 : 12), part.shape, look);
  if (part.kind === 'pins') {
    // Pins keep their own tall shape, stood up on the ground.
    const pin = pins(1, look).objects[0]!;
    for (const o of circle.objects)
      Object.assign(o, {
        size: pin.size,
        density: pin.density,
        position: [o.position[0], pin.size[1] / 2, o.position[2]],
      });
  }
  const center: Vec3 = [(inner.min[0] + inner.max[0]) / 2, 0, (inner.min[2] + inner.max[2]) / 2];
  const reach = Math.hypot(inner.max[0] - inner.min[0], inner.max[2] - inner.min[2]) / 2 + 0.6;
  const first = circle.objects[0]!.position;
  const radius = Math.hypot(first[0], first[2]);
  const grow = Math.max(1, reach / radius);
  return circle.objects.map((o) => ({
    ...o,
    position: [center[0] + o.position[0] * grow, o.position[1], center[2] + o.position[2] * grow] as Vec3,
  }));
}

/** The movers' bodies in a loose cluster centred on `center`, `spread` metres across, layered upwards. */
function cluster(
  movers: Part[],
  looks: Look[],
  center: Vec3,
  spread: number,
  random: Random,
): SceneObjectInput[] {
  const objects: SceneObjectInput[] = [];
  const lone = movers.length === 1 && countOf(movers[0]!, 8) === 1;
  movers.forEach((part, m) => {
    const n = countOf(part, 8);
    for (let i = 0; i < n; i++)
      objects.push({
        shape: part.shape,
        size: sizeOf(part.shape, typicalSize(looks[m]!, lone ? 0.9 : 0.5)),
        position: [0, 0, 0],
        ...material(looks[m]!, i),
      });
  });
  const s = Math.max(...objects.map((o) => o.size[1]));
  const side = Math.max(1, Math.floor(spread / (s * 1.3)));
  objects.forEach((o, i) => {
    const layer = Math.floor(i / (side * side));
    const k = i % (side * side);
    o.position = [
      center[0] + ((k % side) - (side - 1) / 2) * s * 1.3 + random.between(-0.05, 0.05),
      center[1] + layer * s * 1.4 + random.between(0, 0.2),
      center[2] + (Math.floor(k / side) - (side - 1) / 2) * s * 1.3 + random.between(-0.05, 0.05),
    ];
  });
  return objects;
}

/** Verbs that bring what moves down into its target from above, not along the ground at it. */
const fallingVerb =
  /^(fall(s|ing|en)?|fell|drop(s|ped|ping)?|pour(s|ed|ing)?|rain(s|ed|ing)?|land(s|ed|ing)?|tumbl(e|es|ed|ing)|plung(e|es|ed|ing)|sink(s|ing)?|sank)$/;

/**
 * Composes the parts of a sentence such as "eight blue balls roll down a ramp into a wall of 15
 * yellow boxes": what has no preposition in front of it moves, a ramp or stairs carry it, and the
 * first thing it goes into, onto or at is the target it is aimed at: dropped on it when it goes
 * onto it or its own verb falls ("drop", "pours"), else thrown at it. Returns nothing when the
 * sentence names no target and no stairs, for the single-layout reading to handle.
 */
export function compose(
  parts: Part[],
  text: string,
  colorful: string[] | undefined,
  random: Random,
  /** Where the counts built are noted, for the reading. */
  counts: HeldCounts,
): Composition | undefined {
  parts = shareBodies(parts, counts);
  const support = parts.find((p) => p.kind === 'ramp' || p.kind === 'stairs');
  const agents = parts.filter((p) => p.agent);
  if (agents.length) {
    // Passive: "a tower of boxes knocked over by a ball" aims the ball at the tower.
    const hit = parts.find((p) => !p.agent && (p.kind === 'group' || p.kind === 'pins'));
    if (hit)
      parts = parts.map((p) =>
        p === hit ? { ...p, relation: 'through' } : p.agent ? { ...p, relation: undefined } : p,
      );
  }
  parts = alsoHit(parts);
  // Arrangements the single-layout reading does not know stand as the target when nothing else is.
  const standing = parts.find(
    (p) =>
      !p.relation &&
      (p.arrangement === 'wall' ||
        (p.arrangement === 'ring' && !/^domino/.test(p.noun)) ||
        p.arrangement === 'grid' ||
        (p.arrangement === 'row' && !/^domino/.test(p.noun))),
  );
  const related = parts.find((p) => (p.kind === 'group' || p.kind === 'pins') && p.relation);
  if (!related && !support && standing)
    parts = parts.map((p) => (p === standing ? { ...p, relation: 'beside' } : p));
  const movers = parts.filter((p) => p.kind === 'group' && !p.relation);
  const target = parts.find(
    (p) => (p.kind === 'group' || p.kind === 'pins') && p.relation && !movers.includes(p),
  );
  // "Into a tower and a pyramid": the parts hit the same way as the target stand next to it, still.
  const moreTargets = parts.filter(
    (p) =>
      target !== undefined &&
      p !== target &&
      p.relation === target.relation &&
      (p.kind === 'group' || p.kind === 'pins'),
  );
  // "A ring of boxes around a ball": arranged things stand round or beside the target; they do not move.
  const standsBy =
    (target?.relation === 'around' || target?.relation === 'beside') && movers.every((p) => p.arrangement);
  if (target && !support && (!movers.length || standsBy)) {
    // Only arrangements: they stand there, filmed from the front; what stands "around" or
    // "beside" the target is set round it or next to it.
    const placed = targetLayout(target, lookOfPart(target, colorful), 0);
    const objects = [...placed.objects];
    const standers = parts.filter(
      (p) => p !== target && !p.relation && (p.kind === 'group' || p.kind === 'pins'),
    );
    for (const part of standers) {
      const look = lookOfPart(part, colorful);
      if (target.relation === 'around') objects.push(...encircle(part, look, placed));
      else {
        const beside = targetLayout(part, look, 0);
        objects.push(...translate(beside, [placed.min[0] - beside.max[0] - 1, 0, 0]).objects);
      }
    }
    objects.push(
      ...lineUpAside(
        moreTargets.map((p) => hitLayout(p, colorful, 0)),
        placed,
      ),
    );
    return { layout: { objects, ...bounds(objects) }, side: false, duration: 3, joints: [] };
  }
  if (!movers.length || (!target && support?.kind !== 'stairs')) return undefined;
  const looks = movers.map((p) => lookOfPart(p, colorful));
  const moverCount = movers.reduce((sum, p) => sum + countOf(p, 8), 0);
  let placed = target && hitLayout(target, colorful, moverCount);
  const objects: SceneObjectInput[] = [];
  let side = true;
  let duration = 4;
  const joints: SceneJointInput[] = [];

  const atFoot = (foot: number) => {
    if (!placed) return;
    placed = translate(placed, [foot - placed.min[0], 0, -(placed.min[2] + placed.max[2]) / 2]);
  };

  if (support?.kind === 'ramp') {
    // Each mover keeps its shape and colour on the ramp: "5 balls and 3 cubes" rolled 8 balls. A
    // ramp is laid out per shape (its friction and size) and each body taken from the one of its shape.
    const owners = movers.flatMap((part, m) =>
      Array.from({ length: countOf(part, 8) }, (_, j) => ({ m, j })),
    );
    const rolled = new Map(
      [...new Set(movers.map((p) => p.shape))].map((shape) => [
        shape,
        ramp(moverCount, shape, looks[movers.findIndex((p) => p.shape === shape)]!, random),
      ]),
    );
    objects.push(rolled.get(movers[0]!.shape)!.objects[0]!);
    objects.push(
      ...owners.map(({ m, j }, i) => ({
        ...rolled.get(movers[m]!.shape)!.objects[i + 1]!,
        color: material(looks[m]!, j).color,
      })),
    );
    atFoot(4.5 * Math.cos((18 * Math.PI) / 180) + 2.5);
    duration = 5;
  } else if (support?.kind === 'stairs') {
    const count = counts.hold(support.noun, support.count, stepsOf(support));
    objects.push(...stairs(count).objects);
    const poured = cluster(movers, looks, [0, count * stairRise + 0.5, 0], 0.9, random);
    for (const o of poured) o.velocity = [1.2, 0, random.between(-0.2, 0.2)];
    objects.push(...poured);
    atFoot((count - 1) * stairRun + stairRun / 2 + 2);
    // About a third of a second a step, for what rolls down a long staircase to reach its foot.
    duration = Math.min(12, Math.max(5, count * 0.35));
  } else if (placed && target) {
    const center: Vec3 = [(placed.min[0] + placed.max[0]) / 2, 0, (placed.min[2] + placed.max[2]) / 2];
    const width = Math.min(placed.max[0] - placed.min[0], placed.max[2] - placed.min[2]);
    // Each mover by its own verb: "a ball rolls into 10 pins and they tumble" rolls the ball; only
    // what falls, pours or drops into a target comes down on it from above.
    const fallers =
      target.relation === 'into' && !isContainer(target)
        ? movers.filter((p) => fallingVerb.test(p.verb ?? ''))
        : [];
    const drops =
      target.relation === 'onto' ||
      target.relation === 'over' ||
      (target.relation === 'into' && (isContainer(target) || fallers.length === movers.length));
    const top = placed.max[1];
    // A box's inside, from its walls themselves: `placed`'s bounds hold each wall's bounding sphere,
    // and marbles spread that wide landed on the rims and bounced out.
    const walls = boxOf(placed.objects);
    const inner = Math.min(walls.max[0] - walls.min[0], walls.max[2] - walls.min[2]);
    const into = isContainer(target) ? inner * 0.85 : Math.max(0.6, width * 0.6);
    const looksOf = (some: Part[]) => some.map((p) => looks[movers.indexOf(p)]!);
    /** Dropped from 3 m over `from`: the target's top, or what already lies on it. */
    const above = (parts: Part[], from = top) =>
      cluster(parts, looksOf(parts), [center[0], from + 3, center[2]], into, random);
    if (drops) {
      side = false;
      duration = 3;
      // "A glass ball falls into a box of marbles": the marbles start in it, settled on its floor, and
      // the ball falls on them. With nothing else to fall ("a box of marbles"), they are poured in:
      // settled, they lay still for the whole video.
      const held = target.holds ? movers.filter((p) => p.inside) : [];
      const inside = held.length < movers.length ? held : [];
      const dropped = movers.filter((p) => !inside.includes(p));
      if (inside.length) {
        const settled = cluster(inside, looksOf(inside), [center[0], 0, center[2]], inner * 0.85, random);
        const floor = Math.min(...settled.map((o) => o.position[1] - o.size[1] / 2));
        // Just above the container's floor panel, 8 cm thick.
        for (const o of settled) o.position[1] += 0.1 - floor;
        objects.push(...settled);
      }
      if (dropped.length)
        objects.push(...above(dropped, Math.max(top, ...objects.map((o) => o.position[1] + o.size[1] / 2))));
    } else if (target.relation === 'into' || target.relation === 'through') {
      // "A ball rolls into a tower and three cubes fall": the cubes come down on it, the ball is thrown.
      if (fallers.length) objects.push(...above(fallers));
      const rest = movers.filter((p) => !fallers.includes(p));
      const thrown = throwAt(rest, looksOf(rest), placed, target, text, random);
      objects.push(...thrown.objects);
      joints.push(...thrown.joints);
      duration = thrown.duration ?? duration;
    } else {
      // Beside, around, under, down: set next to the target, on the ground.
      const next = cluster(movers, looks, [placed.min[0] - 2, 0.4, center[2]], 2, random);
      objects.push(...next);
    }
  }
  // Further targets stand next to the first, and parts neither moving nor hit ("a ball hits a tower
  // of 10 boxes next to 4 cylinders") next to them, all behind the movers' path along x.
  const back = boxOf([...(placed?.objects ?? []), ...objects]).min[2];
  const hit = placed
    ? [
        ...placed.objects,
        ...lineUpAside(
          moreTargets.map((p) => hitLayout(p, colorful, 0)),
          placed,
          back,
        ),
      ]
    : [];
  const left = parts.filter(
    (p) =>
      (p.kind === 'group' || p.kind === 'pins') &&
      p !== target &&
      !movers.includes(p) &&
      !moreTargets.includes(p),
  );
  const beside = hit.length ? { objects: hit, ...bounds(hit) } : { objects, ...bounds(objects) };
  objects.push(...standAside(left, beside, partsBudget, colorful, random, counts, back));
  objects.push(...hit);
  const all = bounds(objects);
  // Room for what scatters after the hit.
  const height = all.max[1] - Math.max(0, all.min[1]);
  all.max[0] += height * 0.3;
  return { layout: { objects, ...all }, side, duration, joints };
}

/**
 * What moves into or through a target, thrown at it along +x: a lone body as a wrecking ball (on a
 * chain when the sentence says so, along the ground at pins), a few as big and heavy as one, more
 * in a cluster.
 */
function throwAt(
  movers: Part[],
  looks: Look[],
  placed: Layout,
  target: Part,
  text: string,
  random: Random,
): { objects: SceneObjectInput[]; joints: SceneJointInput[]; duration?: number } {
  const objects: SceneObjectInput[] = [];
  const joints: SceneJointInput[] = [];
  let duration: number | undefined;
  if (!movers.length) return { objects, joints };
  const center: Vec3 = [(placed.min[0] + placed.max[0]) / 2, 0, (placed.min[2] + placed.max[2]) / 2];
  const width = Math.min(placed.max[0] - placed.min[0], placed.max[2] - placed.min[2]);
  const moverCount = movers.reduce((sum, p) => sum + countOf(p, 8), 0);
  if (moverCount === 1) {
    const ball = wreckingBall(placed, looks[0]!);
    const m = material(looks[0]!, 0);
    Object.assign(ball, {
      material: materialOfLook(looks[0]!),
      shape: movers[0]!.shape,
      color: m.color,
      metalness: m.metalness,
      roughness: m.roughness,
    });
    if (target.kind !== 'pins' && hangsOnChain(text)) {
      const rig = hangOnChain(ball, placed);
      objects.push(...rig.objects);
      joints.push(...rig.joints);
      duration = 5;
    } else {
      if (target.kind === 'pins') {
        // A bowling ball rolls along the ground at the head pin.
        const d = typicalSize(looks[0]!, 0.6);
        ball.size = [d, d, d];
        ball.position = [placed.min[0] - 6, d / 2, center[2]];
        ball.velocity = [9, 0, 0];
      }
      objects.push(ball);
    }
  } else {
    // Thrown from -x, each starting higher by what gravity takes on the way.
    const speed = 10;
    const distance = 7;
    const t = distance / speed;
    const height = placed.max[1] - Math.max(0, placed.min[1]);
    const startY = Math.max(0.4, height * 0.4) + 0.5 * 9.81 * t * t;
    const thrown = cluster(
      movers,
      looks,
      [placed.min[0] - distance, startY, center[2]],
      Math.max(1, width),
      random,
    );
    for (const o of thrown) o.velocity = [speed, 0, 0];
    // A few thrown things are as big and heavy as a lone ball, so the hit shows: "a ball and a
    // cube roll into a pyramid" bounced two small bodies off it and left it standing.
    if (moverCount <= 3) {
      const owners = movers.flatMap((p, m) => Array.from({ length: countOf(p, 8) }, () => m));
      thrown.forEach((o, i) => {
        Object.assign(o, { size: sizeOf(o.shape, typicalSize(looks[owners[i]!]!, 0.9)), density: 3000 });
      });
      // Side by side across the way, clear of each other, at the height they are thrown from.
      const gap = Math.max(...thrown.map((o) => o.size[2])) + 0.2;
      thrown.forEach((o, i) => {
        o.position = [o.position[0], startY, center[2] + (i - (thrown.length - 1) / 2) * gap];
      });
    }
    objects.push(...thrown);
  }
  return { objects, joints, duration };
}

/**
 * A part joined by "and" to a part that is hit is hit the same way, though no preposition stands in
 * front of it: what moves comes before the relation word. "A ball rolls into a tower of 10 boxes and
 * a pyramid of 6 crates" threw the pyramid's crates with the ball.
 */
function alsoHit(parts: Part[]): Part[] {
  const read: Part[] = [];
  for (const part of parts) {
    const before = read.findLast((p) => p.kind === 'group' || p.kind === 'pins');
    const carried =
      part.andJoined && !part.relation && !part.agent && hitting(before)
        ? { ...part, relation: before!.relation }
        : part;
    read.push(carried);
  }
  return read;
}

/** A part as a target is built: its arrangement, light unless said otherwise (crates, cardboard boxes, pins), so a hit shows. */
function hitLayout(part: Part, colorful: string[] | undefined, moverCount: number): Layout {
  const placed = targetLayout(part, lookOfPart(part, colorful), moverCount);
  if (!part.heavy && !part.metal)
    for (const o of placed.objects) if (o.body !== 'static') o.density = Math.min(o.density ?? 1000, 300);
  return placed;
}

/**
 * `layouts` one after another to the right of `front` (+x) and behind `back` (-z, by default the
 * back of `front`): out of the way of what moves along x at it or swings in its plane, yet side by
 * side with it as the camera sees them (straight behind it, a tower hid the pyramid beside it).
 */
function lineUpAside(
  layouts: Layout[],
  front: Layout,
  back = boxOf(front.objects).min[2],
): SceneObjectInput[] {
  let edge = boxOf(front.objects).max[0] - 0.3;
  return layouts.flatMap((layout) => {
    const box = boxOf(layout.objects);
    const placed = translate(layout, [edge + 0.5 - box.min[0], 0, back - 0.5 - box.max[2]]);
    edge += 0.5 + box.max[0] - box.min[0];
    return placed.objects;
  });
}

/**
 * The box `objects` fill, each by its own size: `bounds` pads every body by its whole diagonal on
 * every axis, so a cradle's 7 m top bar reached 3.5 m behind it and what stood there stood far off.
 */
function boxOf(objects: SceneObjectInput[]): { min: Vec3; max: Vec3 } {
  if (!objects.length) return { min: [0, 0, 0], max: [0, 0, 0] };
  const along = (k: 0 | 1 | 2, sign: 1 | -1) => objects.map((o) => o.position[k] + (sign * o.size[k]) / 2);
  return {
    min: [Math.min(...along(0, -1)), Math.min(...along(1, -1)), Math.min(...along(2, -1))],
    max: [Math.max(...along(0, 1)), Math.max(...along(1, 1)), Math.max(...along(2, 1))],
  };
}

/**
 * Parts standing next to `layout`, lined up as {@link lineUpAside} sets them: those arranged ("a
 * pyramid of 6 crates", pins) built so, the rest in a loose cluster. Said counts are shared within
 * `room` and noted in `counts`.
 */
export function standAside(
  parts: Part[],
  layout: Layout,
  room: number,
  colorful: string[] | undefined,
  random: Random,
  counts: HeldCounts,
  back?: number,
): SceneObjectInput[] {
  const arranged = parts.filter((p) => p.arrangement || p.kind === 'pins');
  const said = parts.reduce((sum, p) => sum + countOf(p, 6), 0);
  const layouts = arranged.map((p) =>
    targetLayout(
      p.count === undefined
        ? p
        : { ...p, count: counts.hold(p.noun, p.count, inProportion(countOf(p, 6), said, room)) },
      lookOfPart(p, colorful),
      0,
    ),
  );
  const rest = parts.filter((p) => !arranged.includes(p));
  const built = layouts.reduce((sum, l) => sum + l.objects.length, 0);
  const origin: Layout = { objects: [], min: [0, 0, 0], max: [0, 0, 0] };
  const loose = besideLayout(rest, origin, 'behind', Math.max(1, room - built), colorful, random, counts);
  if (loose.length) layouts.push({ objects: loose, ...bounds(loose) });
  return lineUpAside(layouts, layout, back);
}

/**
 * The bodies of parts a single layout does not build, on the ground next to it, each as many as
 * it says within `room`: "a tower of 20 boxes and 5 balls" read the balls and built none, so the
 * reading named bodies the video lacked. They stand beside the layout along -x, or behind it (-z)
 * when that side is taken by a ball thrown from -x or the layout runs along x, or drop onto its
 * top ("a pyramid of 10 boxes with 3 balls on top").
 */
export function besideLayout(
  parts: Part[],
  layout: Layout,
  where: 'beside' | 'behind' | 'on top',
  room: number,
  colorful: string[] | undefined,
  random: Random,
  counts: HeldCounts,
): SceneObjectInput[] {
  if (!parts.length) return [];
  const said = parts.reduce((sum, p) => sum + countOf(p, 6), 0);
  const extras = parts.map((p) => {
    const held = inProportion(countOf(p, 6), said, room);
    return { ...p, count: p.count === undefined ? held : counts.hold(p.noun, p.count, held) };
  });
  const looks = extras.map((p) => lookOfPart(p, colorful));
  const n = extras.reduce((sum, p) => sum + countOf(p, 6), 0);
  const middle: Vec3 = [(layout.min[0] + layout.max[0]) / 2, 0, (layout.min[2] + layout.max[2]) / 2];
  if (where === 'on top') {
    const width = Math.min(layout.max[0] - layout.min[0], layout.max[2] - layout.min[2]);
    const above: Vec3 = [middle[0], layout.max[1] + 1, middle[2]];
    return cluster(extras, looks, above, Math.max(0.6, width * 0.6), random);
  }
  const spread = Math.min(6, Math.max(1.5, Math.sqrt(n) * 0.7));
  const center: Vec3 =
    where === 'behind'
      ? [middle[0], 0.4, layout.min[2] - 1 - spread / 2]
      : [layout.min[0] - 1 - spread / 2, 0.4, middle[2]];
  return cluster(extras, looks, center, spread, random);
}
