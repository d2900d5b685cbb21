import { createRandom, hashText } from '../../random.js';
import { materialTable } from '../../scene/materials.js';
import type {
  Scene,
  SceneInput,
  SceneJointInput,
  SceneObjectInput,
  Shape,
  Vec3,
} from '../../scene/schema.js';
import { sceneLimits } from '../../scene/schema.js';
import { parseScene } from '../../scene/validate.js';
import { ringDominoes, spiralDominoes } from './arrangements.js';
import { besideLayout, compose, lookOfPart, standAside } from './compose.js';
import {
  type Contraption,
  contraptionOf,
  describeContraption,
  firstCount,
  gate,
  hangingChain,
  hangOnChain,
  hangsOnChain,
  type JointedLayout,
  newtonsCradle,
  ownParts,
  pendulumHitting,
  seesaw,
  vessel,
} from './contraptions.js';
import { cappedNote, HeldCounts } from './held-counts.js';
import {
  bounds,
  defaultColors,
  dominoes,
  falling,
  type Layout,
  type Look,
  materialOfLook,
  pyramid,
  ramp,
  stack,
  tower,
  wreckingBall,
} from './layouts.js';
import { describeParts, emptyPart, type Part, readParts } from './parts.js';
import { heldMeasure, type NounPhrase, type PromptWords, rainbow, readPrompt } from './words.js';

function lookOf(words: PromptWords, phrase: NounPhrase | undefined, shape: Shape): Look {
  const look: Look = {
    colors: [],
    sizeScale: phrase?.sizeScale ?? 1,
    ...(phrase?.length === undefined ? {} : { length: heldMeasure('length', phrase.length) }),
    ...(phrase?.mass === undefined ? {} : { mass: heldMeasure('mass', phrase.mass) }),
    metal: words.metal,
    rubber: words.rubber,
    icy: words.icy,
    wooden: words.wooden,
    glass: words.glass,
    heavy: words.heavy,
  };
  const named = materialOfLook(look);
  const fallback = named ? materialTable[named].color : defaultColors[shape];
  look.colors = words.colorful ? rainbow : phrase?.colors.length ? phrase.colors : [fallback];
  return look;
}

function clampCount(count: number | undefined, fallback: number, max = sceneLimits.maxObjects - 2): number {
  return Math.max(1, Math.min(max, Math.round(count ?? fallback)));
}

/**
 * Places the camera in front of, to the right of and above the layout (or mostly in front of it,
 * for long rows such as dominoes), as close as it can stand with all of the box in view: the
 * box's corners are checked against both fields of view, so long layouts fill the width.
 */
function frame(layout: Layout, fov: number, aspect: number, side = false): Scene['camera'] {
  const min = layout.min.map((v, k) => (k === 1 ? Math.max(0, v) : v)) as Vec3;
  const max = layout.max.map((v, k) => (k === 1 ? Math.max(v, 1) : v)) as Vec3;
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  const lookAt: Vec3 = [center[0], Math.max(0.5, center[1] * 0.8), center[2]];
  const raw = side ? [0.15, 0.45, 1] : [0.6, 0.5, 1];
  const back = raw.map((v) => v / Math.hypot(...raw)) as Vec3;
  // The camera's axes: it looks along -back; "right" is level, "up" completes the frame.
  const right = normalize([back[2], 0, -back[0]]) as Vec3;
  const up = [
    back[1] * right[2] - back[2] * right[1],
    back[2] * right[0] - back[0] * right[2],
    back[0] * right[1] - back[1] * right[0],
  ];
  const tanV = Math.tan((fov * Math.PI) / 360) * 0.9;
  const tanH = tanV * aspect;
  const corners = Array.from({ length: 8 }, (_, c) =>
    [0, 1, 2].map((k) => ((c >> k) & 1 ? max[k]! : min[k]!)),
  );
  const fits = (distance: number) =>
    corners.every((corner) => {
      const v = corner.map((x, k) => x - (lookAt[k]! + back[k]! * distance));
      const depth = -(v[0]! * back[0] + v[1]! * back[1] + v[2]! * back[2]);
      const x = v[0]! * right[0]! + v[2]! * right[2]!;
      const y = v[0]! * up[0]! + v[1]! * up[1]! + v[2]! * up[2]!;
      return depth > 0.5 && Math.abs(x) <= depth * tanH && Math.abs(y) <= depth * tanV;
    });
  // Fitting only gets easier further back, so halve the interval down to a centimetre.
  let near = 1;
  let far = 2000;
  while (far - near > 0.01) {
    const mid = (near + far) / 2;
    if (fits(mid)) far = mid;
    else near = mid;
  }
  const distance = Math.max(4, far);
  return {
    position: lookAt.map((v, k) => round(v + back[k]! * distance)) as Vec3,
    lookAt: lookAt.map(round) as Vec3,
    fov,
  };
}

function normalize(v: number[]): number[] {
  const length = Math.hypot(...v) || 1;
  return v.map((x) => x / length);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A scene the built-in interpreter built, and what it read in the sentence. */
export interface BuiltinReading {
  scene: Scene;
  /** What was understood, with the counts the scene holds, e.g. "120 red boxes (capped from 1000), a ramp". */
  reading: string;
}

/**
 * The built-in interpreter: turns a sentence into a scene with no network and no model. It reads
 * counts ("20", "twenty-five", "a dozen"), shapes, colours, sizes, materials and the kind of scene
 * ("tower", "pyramid", "stack", "falling", "rolling down a ramp", "bouncing", "dominoes",
 * "knocked over by a ball"). The same prompt and seed always give the same scene.
 */
export function interpretBuiltin(
  prompt: string,
  seed = 0,
  /** A frame size chosen outside the sentence (chat options): it wins over one the sentence names. */
  frameSize?: { width: number; height: number },
): Scene {
  return readBuiltin(prompt, seed, frameSize).scene;
}

/**
 * {@link interpretBuiltin}, with the reading of the sentence. Every count the builders cap is
 * noted as it is built, so the reading says what the scene holds.
 */
export function readBuiltin(
  prompt: string,
  seed = 0,
  frameSize?: { width: number; height: number },
): BuiltinReading {
  const words = readPrompt(prompt);
  const random = createRandom(hashText(prompt.trim().toLowerCase()) ^ seed);
  const scenario = words.scenario ?? (words.knockedByBall ? 'tower' : 'falling');

  // The ball that knocks things over is not the main subject: "boxes knocked over by a ball".
  const subjects = words.phrases.filter(
    (p) => !(words.knockedByBall && p.shape === 'sphere' && (p.count ?? 1) === 1 && words.phrases.length > 1),
  );
  const read = downStairs(readParts(prompt));
  const swinging = pendulumHitting(prompt.toLowerCase(), read);
  const named = contraptionOf(prompt.toLowerCase());
  // A contraption moves by itself; anything else that only stands gets a ball thrown at it.
  const parts = swinging ?? (named ? read : knockDown(read));
  // The layout is made of what the sentence arranges so ("a red ball and a tower of 10 boxes": the
  // boxes), else of the first thing it names.
  const arranged = parts.find((p) => p.arrangement && p.arrangement === words.scenario);
  const main = (arranged && subjects.find((p) => sameThing(arranged, p))) ?? subjects[0];
  const ballPhrase = words.knockedByBall
    ? words.phrases.find((p) => p.shape === 'sphere' && p !== main)
    : undefined;
  const structural = scenario === 'tower' || scenario === 'pyramid' || scenario === 'stack';
  const shape: Shape = main?.shape ?? (scenario === 'ramp' || scenario === 'bouncing' ? 'sphere' : 'box');
  // An arranged part looks as its own words say ("a blue tower of 8 boxes"), not the whole sentence's.
  const look = arranged
    ? lookOfPart(arranged, words.colorful ? rainbow : undefined)
    : lookOf(words, main, shape);

  // The path dominoes stand on: as the reading says it ("in a ring", "a spiral of"), a spiral also when said anywhere.
  const dominoPart = parts.find((p) => p.kind === 'group' && /^domino/.test(p.noun));
  const dominoPath = dominoPart?.arrangement;
  const spiral = (/\bspiral\b/.test(prompt.toLowerCase()) || dominoPath === 'spiral') && !words.knockedByBall;
  const circled = dominoPath === 'ring' && !spiral;
  // Read as built: "dominoes in the shape of a spiral", "a spiral domino run" stand on a spiral.
  if (spiral && dominoPart && scenario === 'dominoes') {
    dominoPart.arrangement = 'spiral';
    if (dominoPart.count === undefined) dominoPart.noun = 'dominoes';
  }
  const kind = swinging ? undefined : named;
  const own = kind ? ownParts(kind, parts) : [];
  // What else the sentence names stands beside the contraption: "a newtons cradle with 5 balls and 3 boxes".
  const besideContraption = kind
    ? parts.filter((p) => (p.kind === 'group' || p.kind === 'pins') && !own.includes(p))
    : [];
  const contraptionSaid = kind && saidCount(kind, prompt.toLowerCase(), own, besideContraption);
  // It looks as its own parts say, never as the parts beside it: "a pendulum beside red crates".
  const contraption =
    kind &&
    jointedLayout(
      kind,
      contraptionCount(kind, contraptionSaid),
      own[0] ? lookOfPart(own[0], words.colorful ? rainbow : undefined) : lookOf(words, undefined, shape),
      random,
    );
  const joints: SceneJointInput[] = [...(contraption?.joints ?? [])];
  const composedCounts = new HeldCounts();
  const composed = contraption
    ? undefined
    : compose(parts, prompt.toLowerCase(), words.colorful ? rainbow : undefined, random, composedCounts);
  // What compose noted counts only when its scene is the one built.
  const counts = composed ? composedCounts : new HeldCounts();
  const held = (phrase: NounPhrase | undefined, fallback: number, max?: number) =>
    counts.hold(phrase?.noun, phrase?.count, clampCount(phrase?.count, fallback, max));
  // Several things named with their own counts fall (or bounce) together, each as many as it says.
  const each =
    !contraption &&
    !composed &&
    (scenario === 'falling' || scenario === 'bouncing') &&
    subjects.length > 1 &&
    subjects.some((p) => p.count !== undefined)
      ? subjects.flatMap((p) =>
          Array.from({ length: held(p, /s$/.test(p.noun) ? 6 : 1, 100) }, (_, i) => ({
            shape: p.shape,
            color: words.colorful ? rainbow[i % rainbow.length]! : colorsOf(p)[i % colorsOf(p).length]!,
          })),
        )
      : undefined;
  let layout: Layout;
  if (contraption) layout = contraption;
  else if (composed) {
    layout = composed.layout;
    joints.push(...composed.joints);
  } else
    switch (scenario) {
      case 'tower':
        layout = tower(held(main, 12), shape, look);
        break;
      case 'pyramid':
        layout = pyramid(held(main, 15), shape, look);
        break;
      case 'stack':
        layout = stack(held(main, 6, 60), shape, look, random);
        break;
      case 'ramp':
        // With nothing named to roll, the one ball its reading names ("a ramp": `downStairs`).
        layout = ramp(held(main, main ? 6 : 1, 120), shape, look, random);
        break;
      case 'bouncing':
        layout = falling(
          each?.length ?? held(main, 8),
          subjects.length ? [...new Set(subjects.map((p) => p.shape))] : ['sphere'],
          subjects.length > 1
            ? { ...look, rubber: true, colors: words.colorful ? rainbow : subjects.flatMap(colorsOf) }
            : { ...look, rubber: true },
          random,
          true,
          each,
        );
        break;
      case 'dominoes':
        layout = spiral
          ? spiralDominoes(held(main, 20), look)
          : circled
            ? ringDominoes(held(main, 20), look, !words.knockedByBall)
            : dominoes(held(main, 20), look, !words.knockedByBall);
        break;
      default: {
        layout = falling(
          each?.length ?? held(main, 12),
          subjects.length ? [...new Set(subjects.map((p) => p.shape))] : [shape],
          subjects.length > 1
            ? { ...look, colors: words.colorful ? rainbow : subjects.flatMap(colorsOf) }
            : look,
          random,
          false,
          each,
        );
      }
    }

  // What the one layout leaves out stands beside it, so nothing read is missing from the video.
  const extras = contraption
    ? standAside(
        besideContraption,
        contraption,
        sceneLimits.maxObjects - contraption.objects.length - 40,
        words.colorful ? rainbow : undefined,
        random,
        counts,
      )
    : composed || each
      ? []
      : besideLayout(
          unbuiltParts(
            // "A tower", "a ramp": the layout is made of a part no phrase names, the tower's boxes or the ball rolled.
            parts.filter((p) => main || (p !== arranged && !(scenario === 'ramp' && p === parts[0]))),
            [main, words.knockedByBall ? ballPhrase : undefined],
          ),
          layout,
          /\bon top\b(?! of)/.test(prompt.toLowerCase()) && structural
            ? 'on top'
            : words.knockedByBall || scenario === 'dominoes' || scenario === 'ramp'
              ? 'behind'
              : 'beside',
          sceneLimits.maxObjects - layout.objects.length - 40,
          words.colorful ? rainbow : undefined,
          random,
          counts,
        );
  const objects: SceneObjectInput[] = [...layout.objects];
  if (!composed && !contraption && words.knockedByBall && (structural || scenario === 'dominoes')) {
    const ball = wreckingBall(layout, lookOf(words, ballPhrase, 'sphere'));
    if (!ballPhrase?.colors.length) ball.color = '#30343b';
    const height = layout.max[1] - Math.max(0, layout.min[1]);
    if (hangsOnChain(prompt) && scenario !== 'dominoes') {
      const rig = hangOnChain(ball, layout);
      objects.push(...rig.objects);
      joints.push(...rig.joints);
      // Frame the swing from the crane's top down to where the debris flies.
      layout.min[0] = Math.min(layout.min[0], ...rig.objects.map((o) => o.position[0] - 0.5));
      layout.max[1] = Math.max(layout.max[1], ...rig.objects.map((o) => o.position[1] + o.size[1] / 2));
    } else {
      if (scenario === 'dominoes') {
        // Thrown at the first domino's upper half, along the line.
        const first = layout.objects[0]!;
        ball.size = [0.6, 0.6, 0.6];
        ball.position = [first.position[0] - 2.5, first.size[1] * 0.75 + 0.35, first.position[2]];
        ball.velocity = [6, 1, 0];
      }
      objects.push(ball);
      // Frame the last stretch of the ball's flight, not where it starts, and where the debris flies.
      layout.min[0] = Math.min(layout.min[0], ball.position[0] + 4);
    }
    if (structural) layout.max[0] += height * 0.9;
  }

  if (extras.length) {
    objects.push(...extras);
    const around = bounds(extras);
    layout.min = layout.min.map((v, k) => Math.min(v, around.min[k]!)) as Vec3;
    layout.max = layout.max.map((v, k) => Math.max(v, around.max[k]!)) as Vec3;
  }

  const resolution = frameSize ?? words.resolution ?? { width: 1280, height: 720 };
  const fov = 45;
  const camera = frame(
    {
      ...layout,
      objects,
      // Room for what falls or scatters: bodies end up about as far out as the structure is tall.
      min: layout.min.map((v, k) =>
        k === 1 ? v : v - (structural && !composed ? (layout.max[1] - layout.min[1]) * 0.4 : 0.5),
      ) as Vec3,
      max: layout.max.map((v, k) =>
        k === 1 ? v : v + (structural && !composed ? (layout.max[1] - layout.min[1]) * 0.4 : 0.5),
      ) as Vec3,
    },
    fov,
    resolution.width / resolution.height,
    contraption
      ? contraption.side
      : composed
        ? composed.side
        : scenario === 'dominoes' || scenario === 'ramp',
  );
  if (words.orbit) camera.orbit = { degreesPerSecond: 30 };

  // A domino falls about every 0.2 s (20 in a row lie down by 5.2 s, 50 by 11.4 s, in Rapier), then a
  // second to see them lie: at 0.12 s a domino, the video ended with the last ones standing.
  const defaultDuration = contraption
    ? contraption.duration
    : composed
      ? composed.duration
      : scenario === 'dominoes'
        ? Math.min(12, 2 + objects.length * (spiral ? 0.26 : 0.21))
        : scenario === 'ramp'
          ? 4
          : 3;
  const scene: SceneInput = {
    // Said in words ("for 0 seconds", "for 30 seconds"), pulled into a scene's range as a model's is.
    duration: Math.min(
      sceneLimits.maxDurationSeconds,
      Math.max(sceneLimits.minDurationSeconds, words.duration ?? defaultDuration),
    ),
    fps: words.fps ?? 30,
    resolution,
    seed,
    gravity: [0, words.gravity ?? -9.81, 0],
    ground: {
      // Large enough that its edge hides in the fog behind what is filmed.
      size: Math.min(sceneLimits.maxGroundSize, Math.max(60, Math.ceil(4 * Math.hypot(...camera.position)))),
      ...(scenario === 'bouncing' && !composed ? { restitution: 0.6 } : {}),
      ...(words.icyFloor ? { friction: materialTable.ice.friction, color: materialTable.ice.color } : {}),
    },
    objects: objects.map((o) => ({
      ...o,
      size: o.size.map(round) as Vec3,
      position: o.position.map(round) as Vec3,
      rotation: o.rotation?.map(round) as Vec3 | undefined,
      velocity: o.velocity?.map(round) as Vec3 | undefined,
    })),
    joints,
    camera,
  };
  const reading = kind
    ? readContraption(kind, contraptionSaid, besideContraption, counts)
    : describeReading(prompt, parts, counts);
  return { scene: parseScene(scene), reading: words.icyFloor ? `${reading}, an icy floor` : reading };
}

/**
 * Stairs or a ramp with nothing named to go down them ("stairs of 20 steps", "a ramp") get a ball
 * that rolls down: the stairs alone stand still, and were not built at all, and a ramp alone rolled
 * 6 balls its reading did not name. The ball is read, as it is in the scene.
 */
function downStairs(parts: Part[]): Part[] {
  const moves = parts.some((p) => p.kind === 'group' && !p.relation);
  if (moves || !parts.some((p) => p.kind === 'stairs' || p.kind === 'ramp')) return parts;
  return [{ ...emptyPart('group', 'sphere', 'ball'), count: 1 }, ...parts];
}

/** What stands and falls when knocked: a structure alone is a still video. */
const standing = new Set<Part['arrangement']>(['tower', 'wall', 'pyramid', 'stack']);

/**
 * Structures with nothing named to hit them ("a tower of 10 boxes", "a wall of bricks collapses")
 * get a ball thrown into the first: alone they stood still for the whole video. The ball is read,
 * as it is in the scene: "a ball, a tower of 10 boxes".
 */
function knockDown(parts: Part[]): Part[] {
  if (parts.length === 0 || !parts.every((p) => p.kind === 'group' && standing.has(p.arrangement)))
    return parts;
  const [first, ...rest] = parts;
  return [{ ...emptyPart('group', 'sphere', 'ball'), count: 1 }, { ...first!, relation: 'into' }, ...rest];
}

/** Each jointed scene's default count of bodies, and the most and fewest it may have. */
const contraptionCounts: Partial<Record<Contraption, [fallback: number, max: number, min: number]>> = {
  cradle: [5, 9, 2],
  chain: [12, 30, 3],
  bowl: [40, 200, 1],
  funnel: [40, 200, 1],
};

function contraptionCount(kind: Contraption, count: number | undefined): number {
  const [fallback, max, min] = contraptionCounts[kind] ?? [1, 1, 1];
  return Math.max(min, clampCount(count, fallback, max));
}

/**
 * The count a contraption of `kind` is built with, as said: its own balls' ("a cradle with 7
 * balls"), else the sentence's first count that no other part says ("a chain of 10 links", not the
 * 3 of "a newtons cradle and 3 boxes"). Undefined for those built with no count.
 */
function saidCount(kind: Contraption, text: string, own: Part[], others: Part[]): number | undefined {
  if (!contraptionCounts[kind]) return undefined;
  if (own.length) return own[0]!.count;
  const first = firstCount(text);
  return others.some((p) => p.count === first) ? undefined : first;
}

/** The jointed scene of `kind`, built with `count` bodies where it has a count. */
function jointedLayout(
  kind: Contraption,
  count: number,
  look: Look,
  random: ReturnType<typeof createRandom>,
): JointedLayout {
  switch (kind) {
    case 'cradle':
      return newtonsCradle(count, look);
    case 'seesaw':
      return seesaw(look);
    case 'gate':
      return gate(look);
    case 'chain':
      return hangingChain(count, look);
    case 'pendulum': {
      // Nothing to hit: the ball swings through where a target's face would be, at the origin.
      const ball = wreckingBall({ objects: [], min: [0, 0, 0], max: [0, 2, 0] }, look);
      const rig = hangOnChain(
        { ...ball, color: look.colors[0] ?? '#30343b' },
        { objects: [], min: [0, 0, 0], max: [0, 2, 0] },
      );
      return { ...rig, ...bounds(rig.objects), duration: 6, side: true };
    }
    case 'bowl':
    case 'funnel':
      return vessel(count, look, random, kind === 'funnel');
  }
}

/**
 * What the built-in interpreter reads in a sentence, e.g. "8 blue balls, a ramp, a wall of 15
 * yellow boxes", with the counts its scene holds ({@link readBuiltin} builds it to know them).
 */
export function readingOf(prompt: string): string {
  return readBuiltin(prompt).reading;
}

/** The reading of a contraption scene: the contraption, then what stands beside it, as built. */
function readContraption(
  kind: Contraption,
  said: number | undefined,
  beside: Part[],
  counts: HeldCounts,
): string {
  const count = contraptionCount(kind, said);
  const contraption = `${describeContraption(kind, count)}${cappedNote(said, count)}`;
  return beside.length ? `${contraption}, ${describeParts(beside, counts)}` : contraption;
}

function describeReading(prompt: string, parts: Part[], counts: HeldCounts): string {
  const reading = describeParts(parts, counts);
  // The ball that swings is the first one named: "a steel ball on a chain", "a wrecking ball".
  return hangsOnChain(prompt) ? reading.replace(/\b(ball|cannonball|sphere)\b/, '$1 on a chain') : reading;
}

/**
 * The bodies a sentence names that its one layout does not build: every part but the one the
 * layout is made of and the ball thrown at it, matched by head noun and count ("a tower of 20
 * boxes and 5 balls": the balls).
 */
function unbuiltParts(parts: Part[], built: (NounPhrase | undefined)[]): Part[] {
  const left = parts.filter((p) => p.kind === 'group' || p.kind === 'pins');
  for (const phrase of built) {
    if (!phrase) continue;
    const i = left.findIndex((p) => sameThing(p, phrase));
    left.splice(i >= 0 ? i : left.findIndex((p) => p.shape === phrase.shape), 1);
  }
  return left;
}

/** Whether a part and a phrase, read by the two readers, are the same words: head noun and count. */
function sameThing(part: Part, phrase: NounPhrase): boolean {
  return part.noun.split(' ').at(-1) === phrase.noun.split(' ').at(-1) && part.count === phrase.count;
}

function colorsOf(phrase: NounPhrase): string[] {
  return phrase.colors.length ? phrase.colors : [defaultColors[phrase.shape]];
}
