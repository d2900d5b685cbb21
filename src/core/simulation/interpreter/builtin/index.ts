import { createRandom, hashText } from '../../random.js';
import type { Scene, SceneInput, SceneObjectInput, Shape, Vec3 } from '../../scene/schema.js';
import { sceneLimits } from '../../scene/schema.js';
import { parseScene } from '../../scene/validate.js';
import {
  dominoes,
  falling,
  type Layout,
  type Look,
  pyramid,
  ramp,
  stack,
  tower,
  wreckingBall,
} from './layouts.js';
import { type NounPhrase, type PromptWords, rainbow, readPrompt } from './words.js';

const defaultColors: Record<Shape, string> = {
  box: '#e07a3f',
  sphere: '#2f6fd6',
  cylinder: '#3aa64c',
  capsule: '#7d4cc2',
};

function lookOf(words: PromptWords, phrase: NounPhrase | undefined, shape: Shape): Look {
  const colors = words.colorful ? rainbow : phrase?.colors.length ? phrase.colors : [defaultColors[shape]];
  return {
    colors,
    sizeScale: phrase?.sizeScale ?? 1,
    metal: words.metal,
    rubber: words.rubber,
    icy: words.icy,
    heavy: words.heavy,
  };
}

function clampCount(count: number | undefined, fallback: number, max = sceneLimits.maxObjects - 2): number {
  return Math.max(1, Math.min(max, Math.round(count ?? fallback)));
}

/**
 * Places the camera in front of, to the right of and above the layout, far enough back that the
 * whole box fits the vertical field of view.
 */
function frame(layout: Layout, fov: number, aspect: number, side = false): Scene['camera'] {
  const min = layout.min.map((v, k) => (k === 1 ? Math.max(0, v) : v)) as Vec3;
  const max = layout.max;
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  const radius = Math.max(1.5, Math.hypot(max[0] - min[0], max[1] - min[1], max[2] - min[2]) / 2);
  const half = (fov * Math.PI) / 360;
  // The narrower of the two fields of view decides how far back the camera stands.
  const narrow = Math.min(half, Math.atan(Math.tan(half) * aspect));
  const distance = (radius / Math.sin(narrow)) * 0.95;
  const direction = side ? [0.15, 0.45, 1] : [0.6, 0.5, 1];
  const length = Math.hypot(direction[0]!, direction[1]!, direction[2]!);
  const lookAt: Vec3 = [center[0], Math.max(0.5, center[1] * 0.8), center[2]];
  return {
    position: lookAt.map((v, k) => round(v + (direction[k]! / length) * distance)) as Vec3,
    lookAt: lookAt.map(round) as Vec3,
    fov,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * The built-in interpreter: turns a sentence into a scene with no network and no model. It reads
 * counts ("20", "twenty-five", "a dozen"), shapes, colours, sizes, materials and the kind of scene
 * ("tower", "pyramid", "stack", "falling", "rolling down a ramp", "bouncing", "dominoes",
 * "knocked over by a ball"). The same prompt and seed always give the same scene.
 */
export function interpretBuiltin(prompt: string, seed = 0): Scene {
  const words = readPrompt(prompt);
  const random = createRandom(hashText(prompt.trim().toLowerCase()) ^ seed);
  const scenario = words.scenario ?? (words.knockedByBall ? 'tower' : 'falling');

  // The ball that knocks things over is not the main subject: "boxes knocked over by a ball".
  const subjects = words.phrases.filter(
    (p) => !(words.knockedByBall && p.shape === 'sphere' && (p.count ?? 1) === 1 && words.phrases.length > 1),
  );
  const main = subjects[0];
  const ballPhrase = words.knockedByBall
    ? words.phrases.find((p) => p.shape === 'sphere' && p !== main)
    : undefined;
  const structural = scenario === 'tower' || scenario === 'pyramid' || scenario === 'stack';
  const shape: Shape = main?.shape ?? (scenario === 'ramp' || scenario === 'bouncing' ? 'sphere' : 'box');
  const look = lookOf(words, main, shape);
  const count = main?.count;

  let layout: Layout;
  switch (scenario) {
    case 'tower':
      layout = tower(clampCount(count, 12), shape, look);
      break;
    case 'pyramid':
      layout = pyramid(clampCount(count, 15), shape, look);
      break;
    case 'stack':
      layout = stack(clampCount(count, 6, 60), shape, look, random);
      break;
    case 'ramp':
      layout = ramp(clampCount(count, 6, 120), shape, look, random);
      break;
    case 'bouncing':
      layout = falling(
        clampCount(count, 8),
        subjects.length ? [...new Set(subjects.map((p) => p.shape))] : ['sphere'],
        { ...look, rubber: true },
        random,
        true,
      );
      break;
    case 'dominoes':
      layout = dominoes(clampCount(count, 20), look, !words.knockedByBall);
      break;
    default:
      layout = falling(
        clampCount(count, 12),
        subjects.length ? [...new Set(subjects.map((p) => p.shape))] : [shape],
        subjects.length > 1
          ? { ...look, colors: words.colorful ? rainbow : subjects.flatMap(colorsOf) }
          : look,
        random,
      );
  }

  const objects: SceneObjectInput[] = [...layout.objects];
  if (words.knockedByBall && (structural || scenario === 'dominoes')) {
    const ball = wreckingBall(layout, lookOf(words, ballPhrase, 'sphere'));
    if (!ballPhrase?.colors.length) ball.color = '#30343b';
    if (scenario === 'dominoes') {
      // Thrown at the first domino's upper half, along the line.
      const first = layout.objects[0]!;
      ball.size = [0.6, 0.6, 0.6];
      ball.position = [first.position[0] - 2.5, first.size[1] * 0.75 + 0.35, first.position[2]];
      ball.velocity = [6, 1, 0];
    }
    objects.push(ball);
    // Frame the last stretch of the ball's flight, not where it starts, and where the debris flies.
    const height = layout.max[1] - Math.max(0, layout.min[1]);
    layout.min[0] = Math.min(layout.min[0], ball.position[0] + 4);
    if (structural) layout.max[0] += height * 0.9;
  }

  const resolution = words.resolution ?? { width: 1280, height: 720 };
  const fov = 45;
  const camera = frame(
    {
      ...layout,
      objects,
      // Room for what falls or scatters: bodies end up about as far out as the structure is tall.
      min: layout.min.map((v, k) =>
        k === 1 ? v : v - (structural ? (layout.max[1] - layout.min[1]) * 0.4 : 0.5),
      ) as Vec3,
      max: layout.max.map((v, k) =>
        k === 1 ? v : v + (structural ? (layout.max[1] - layout.min[1]) * 0.4 : 0.5),
      ) as Vec3,
    },
    fov,
    resolution.width / resolution.height,
    scenario === 'dominoes' || scenario === 'ramp',
  );
  if (words.orbit) camera.orbit = { degreesPerSecond: 30 };

  const defaultDuration =
    scenario === 'dominoes' ? Math.min(12, 2 + objects.length * 0.12) : scenario === 'ramp' ? 4 : 3;
  const scene: SceneInput = {
    duration: Math.min(sceneLimits.maxDurationSeconds, words.duration ?? defaultDuration),
    fps: words.fps ?? 30,
    resolution,
    seed,
    gravity: [0, words.gravity ?? -9.81, 0],
    ground: scenario === 'bouncing' ? { restitution: 0.6 } : {},
    objects: objects.map((o) => ({
      ...o,
      size: o.size.map(round) as Vec3,
      position: o.position.map(round) as Vec3,
      rotation: o.rotation?.map(round) as Vec3 | undefined,
      velocity: o.velocity?.map(round) as Vec3 | undefined,
    })),
    camera,
  };
  return parseScene(scene);
}

function colorsOf(phrase: NounPhrase): string[] {
  return phrase.colors.length ? phrase.colors : [defaultColors[phrase.shape]];
}
