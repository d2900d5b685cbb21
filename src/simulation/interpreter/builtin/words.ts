import { type Shape, sceneLimits } from '../../scene/schema.js';

/** Colour words the built-in interpreter knows, with the shade it paints them. */
export const colorWords: Readonly<Record<string, string>> = {
  red: '#d8342c',
  orange: '#f08a24',
  yellow: '#f2c218',
  gold: '#d4a017',
  golden: '#d4a017',
  green: '#3aa64c',
  lime: '#8bd346',
  teal: '#1f9e95',
  cyan: '#29c4d9',
  blue: '#2f6fd6',
  navy: '#1f3a7a',
  purple: '#7d4cc2',
  violet: '#8f5bd6',
  magenta: '#d63fa6',
  pink: '#f07aa8',
  brown: '#8a5a34',
  wooden: '#b9895a',
  wood: '#b9895a',
  white: '#f2f2f2',
  black: '#262626',
  grey: '#8c8c8c',
  gray: '#8c8c8c',
  silver: '#c0c4c8',
};

/** Colours for "colourful", "rainbow" and "random colours". */
export const rainbow = [
  '#d8342c',
  '#f08a24',
  '#f2c218',
  '#3aa64c',
  '#29c4d9',
  '#2f6fd6',
  '#7d4cc2',
  '#d63fa6',
];

export const shapeWords: Readonly<Record<string, Shape>> = {
  box: 'box',
  boxes: 'box',
  cube: 'box',
  cubes: 'box',
  block: 'box',
  blocks: 'box',
  crate: 'box',
  crates: 'box',
  brick: 'box',
  bricks: 'box',
  domino: 'box',
  dominoes: 'box',
  dominos: 'box',
  ball: 'sphere',
  balls: 'sphere',
  sphere: 'sphere',
  spheres: 'sphere',
  marble: 'sphere',
  marbles: 'sphere',
  orb: 'sphere',
  orbs: 'sphere',
  cannonball: 'sphere',
  cannonballs: 'sphere',
  egg: 'sphere',
  eggs: 'sphere',
  cylinder: 'cylinder',
  cylinders: 'cylinder',
  can: 'cylinder',
  cans: 'cylinder',
  barrel: 'cylinder',
  barrels: 'cylinder',
  coin: 'cylinder',
  coins: 'cylinder',
  capsule: 'capsule',
  capsules: 'capsule',
  pill: 'capsule',
  pills: 'capsule',
};

export const sizeWords: Readonly<Record<string, number>> = {
  tiny: 0.4,
  little: 0.6,
  small: 0.65,
  medium: 1,
  big: 1.6,
  large: 1.6,
  huge: 2.4,
  giant: 3,
  enormous: 3,
};

const units: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  pair: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  few: 3,
  couple: 2,
  several: 6,
  many: 30,
  lots: 30,
  hundreds: 200,
};
const tens: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** What a noun phrase such as "twenty big red boxes" says. */
export interface NounPhrase {
  shape: Shape;
  /** The noun as written, e.g. `dominoes`. */
  noun: string;
  count?: number;
  colors: string[];
  sizeScale?: number;
  /** A length said before or after it, in metres: "a 2 meter ball", "a ball of 2 m". */
  length?: number;
  /** A weight said before or after it, in kilograms: "a 10 kg crate", "crates of 10 kg". */
  mass?: number;
  /** Position of the noun among the words, to tell phrases apart. */
  index: number;
}

/** The kinds of scene the built-in interpreter builds. */
export type Scenario = 'tower' | 'pyramid' | 'stack' | 'falling' | 'ramp' | 'bouncing' | 'dominoes';

/** Everything the built-in interpreter reads from a sentence. */
export interface PromptWords {
  phrases: NounPhrase[];
  scenario?: Scenario;
  /** "knocked over by a ball", "a ball smashes into", "wrecking ball". */
  knockedByBall: boolean;
  colorful: boolean;
  metal: boolean;
  rubber: boolean;
  icy: boolean;
  /** The ground is ice: "bounces on ice", "slides across a frozen lake". */
  icyFloor: boolean;
  wooden: boolean;
  glass: boolean;
  heavy: boolean;
  orbit: boolean;
  gravity?: number;
  duration?: number;
  fps?: 24 | 30 | 60;
  resolution?: { width: number; height: number };
}

/**
 * A number with a unit of length or weight ("a 2 meter ball", "a 10 kg crate"): a measure, not
 * how many. Both readers put a marker word in its place ({@link markMeasures}), so "a 2 meter
 * ball" is one ball, 2 m across.
 */
export const measures =
  /\b(\d+(?:\.\d+)?)\s*-?\s*(m|meters?|metres?|cm|centimet(?:er|re)s?|mm|km|ft|feet|foot|inch(?:es)?|kg|kilos?|kilograms?|g|grams?|lbs?|pounds?|tons?|tonnes?)\b/g;

/** Each unit in metres or kilograms. */
const unitValues: [RegExp, 'length' | 'mass', number][] = [
  [/^(m|meters?|metres?)$/, 'length', 1],
  [/^(cm|centimet(er|re)s?)$/, 'length', 0.01],
  [/^mm$/, 'length', 0.001],
  [/^km$/, 'length', 1000],
  [/^(ft|feet|foot)$/, 'length', 0.3048],
  [/^inch(es)?$/, 'length', 0.0254],
  [/^(kg|kilos?|kilograms?)$/, 'mass', 1],
  [/^(g|grams?)$/, 'mass', 0.001],
  [/^(lbs?|pounds?)$/, 'mass', 0.4536],
  [/^(tons?|tonnes?)$/, 'mass', 1000],
];

/** A length (metres) or weight (kilograms) said before a noun. */
export interface Measure {
  kind: 'length' | 'mass';
  value: number;
}

/**
 * Replaces each measure in `text` with a marker word ("measurea", "measureb", ...) that the
 * readers find among a noun's modifiers with {@link measureOf}; the measures in order.
 */
export function markMeasures(text: string): { text: string; measures: Measure[] } {
  const found: Measure[] = [];
  const marked = text.replace(measures, (_, value: string, unit: string) => {
    const [, kind, per] = unitValues.find(([pattern]) => pattern.test(unit))!;
    found.push({ kind, value: Number(value) * per });
    return ` measure${String.fromCharCode(97 + Math.min(25, found.length - 1))} `;
  });
  return { text: marked, measures: found };
}

/**
 * A measure as built, within what a scene may hold: a body from 5 cm to 50 m across (a capsule is
 * 1.4 times as long, the schema's limit is 100 m), from 10 g to the schema's heaviest.
 */
export function heldMeasure(kind: Measure['kind'], value: number): number {
  const [min, max] = kind === 'length' ? [0.05, 50] : [0.01, sceneLimits.maxMass];
  return Math.min(max, Math.max(min, value));
}

/** The measure a marker word stands for, if it is one. */
export function measureOf(word: string, found: Measure[]): Measure | undefined {
  const marker = /^measure([a-z])$/.exec(word);
  return marker ? found[marker[1]!.charCodeAt(0) - 97] : undefined;
}

/** Words that lead a measure after its noun: "boxes of 2 kg", "a ball weighing 3 kg", "boxes, each 2 kg". */
const measureLeads = /^(of|weighing|each)$/;
/** Words that close one: "crates 5 kg each", "a ball 3 m across". */
const measureTrails = /^(each|across|wide|tall|high|long|heavy)$/;

/**
 * The measures said right after the noun at `words[noun]` ("boxes of 2 kg", "a ball weighing 3
 * kg", "crates 5 kg each", "a ball 2 m across and 10 kg"), and the index of the last word they take.
 * A measure standing alone after a noun needs a lead or a trailing word: in "4 balls fall 2 meters"
 * it is how far they fall, not their size.
 */
export function measuresAfter(
  words: string[],
  noun: number,
  found: Measure[],
): { measures: Measure[]; end: number } | undefined {
  const led = measureLeads.test(words[noun + 1] ?? '');
  // `k` is the next word to read.
  let k = led ? noun + 2 : noun + 1;
  let trailed = false;
  const said: Measure[] = [];
  const measureAt = (i: number) => measureOf(words[i] ?? '', found);
  while (measureAt(k)) {
    said.push(measureAt(k)!);
    k++;
    if (measureTrails.test(words[k] ?? '')) {
      trailed = true;
      k++;
    }
    if (words[k] !== 'and' || !measureAt(k + 1)) break;
    k++;
  }
  return said.length && (led || trailed) ? { measures: said, end: k - 1 } : undefined;
}

/** Splits a sentence into lower-case words, numbers kept whole ("2.5" stays one word). */
export function wordsOf(prompt: string): string[] {
  return prompt.toLowerCase().match(/\d+(?:\.\d+)?|[a-z]+/g) ?? [];
}

export function numberAt(words: string[], end: number): { value: number; start: number } | undefined {
  const word = words[end];
  if (word === undefined) return undefined;
  if (/^\d+$/.test(word)) return { value: Number(word), start: end };
  if (word === 'hundred') {
    const before = end > 0 ? numberAt(words, end - 1) : undefined;
    return before ? { value: before.value * 100, start: before.start } : { value: 100, start: end };
  }
  const unit = units[word];
  const ten = tens[word];
  if (unit !== undefined && unit < 10 && end > 0 && tens[words[end - 1]!] !== undefined)
    return { value: tens[words[end - 1]!]! + unit, start: end - 1 };
  if (unit !== undefined) return { value: unit, start: end };
  if (ten !== undefined) return { value: ten, start: end };
  return undefined;
}

/**
 * The count that ends at `words[end]`: a number, or a grid's sides multiplied, "40 by 40" or
 * "40x40" (split as 40, x, 40) is 1600, which the builders then cap as any count.
 */
export function countAt(words: string[], end: number): { value: number; start: number } | undefined {
  const number = numberAt(words, end);
  if (!number || !/^(by|x)$/.test(words[number.start - 1] ?? '')) return number;
  const other = numberAt(words, number.start - 2);
  return other ? { value: other.value * number.value, start: other.start } : number;
}

/** Whether `words[i]` is the "by" or "x" between a grid's two sides, not the "by" of a passive. */
export function betweenSides(words: string[], i: number): boolean {
  return (
    /^(by|x)$/.test(words[i] ?? '') &&
    numberAt(words, i - 1) !== undefined &&
    numberAt(words, i + 1) !== undefined
  );
}

/**
 * Words between a count and its noun that are no count: materials among them, so "a steel ball"
 * is one ball (its "a" was cut off by "steel" and a ball with no count fell as 12).
 */
const fillers = new Set([
  'of',
  'the',
  'very',
  'shiny',
  'metal',
  'metallic',
  'steel',
  'iron',
  'chrome',
  'rubber',
  'bouncy',
  'glass',
  'ice',
  'icy',
  'heavy',
  'lead',
  'bowling',
  'wrecking',
]);

function nounPhrases(words: string[], found: Measure[]): NounPhrase[] {
  const phrases: NounPhrase[] = [];
  words.forEach((word, index) => {
    const shape = shapeWords[word];
    if (!shape) return;
    const phrase: NounPhrase = { shape, noun: word, colors: [], index };
    // Walk back over modifiers: "20 big red", "twenty-five blue and green".
    for (let i = index - 1; i >= 0 && i >= index - 7; i--) {
      const w = words[i]!;
      if (colorWords[w]) phrase.colors.unshift(colorWords[w]!);
      else if (sizeWords[w] !== undefined) phrase.sizeScale ??= sizeWords[w];
      else if (measureOf(w, found)) {
        const measure = measureOf(w, found)!;
        if (measure.kind === 'length') phrase.length ??= measure.value;
        else phrase.mass ??= measure.value;
      } else if (w === 'of' && !countAt(words, i - 1)) break;
      // "A couple of balls" is 2, but "a glass of marbles" is no count of marbles.
      else if (w === 'and' || fillers.has(w) || /^colou?rful$|ing$/.test(w)) continue;
      else {
        const number = countAt(words, i);
        if (number) {
          phrase.count = number.value;
          i = number.start;
        }
        break;
      }
    }
    for (const measure of measuresAfter(words, index, found)?.measures ?? []) {
      if (measure.kind === 'length') phrase.length ??= measure.value;
      else phrase.mass ??= measure.value;
    }
    phrases.push(phrase);
  });
  return phrases;
}

const scenarioPatterns: [Scenario, RegExp][] = [
  ['dominoes', /\bdomino(e?s)?\b/],
  ['pyramid', /\bpyramids?\b/],
  ['tower', /\btowers?\b/],
  ['ramp', /\b(ramps?|slopes?|incline|roll(s|ing)? down|downhill)\b/],
  ['stack', /\b(stack(s|ed)?|pile[sd]? up)\b/],
  ['bouncing', /\b(bounc(e|es|ing|y))\b/],
  ['falling', /\b(fall(s|ing)?|drop(s|ped|ping)?|rain(s|ing)?|pour(s|ing)?|tumbl(e|es|ing)|pile)\b/],
];

/** Reads counts, shapes, colours, sizes, the kind of scene and the video settings from a sentence. */
export function readPrompt(prompt: string): PromptWords {
  const text = prompt.toLowerCase();
  // Durations and resolutions hold numbers that are not counts of things.
  const durationMatch = text.match(/(\d+(?:\.\d+)?)\s*(?:-\s*)?(s|sec|secs|seconds?)\b/);
  const fpsMatch = text.match(/\b(24|30|60)\s*fps\b/);
  const resolutionMatch = text.match(/\b(480|720|1080)p\b/);
  const cleaned = text
    .replace(/(\d+(?:\.\d+)?)\s*(?:-\s*)?(s|sec|secs|seconds?)\b/g, ' ')
    .replace(/\b(24|30|60)\s*fps\b/g, ' ')
    .replace(/\b(480|720|1080)p\b/g, ' ');
  const marked = markMeasures(cleaned);
  const words = wordsOf(marked.text);

  const heights: Record<string, number> = { '480': 480, '720': 720, '1080': 1080 };
  const resolution = resolutionMatch
    ? {
        width: Math.round((heights[resolutionMatch[1]!]! * 16) / 9 / 2) * 2,
        height: heights[resolutionMatch[1]!]!,
      }
    : /\b(vertical|portrait)\b/.test(text)
      ? { width: 608, height: 1080 }
      : /\bsquare video\b/.test(text)
        ? { width: 1080, height: 1080 }
        : undefined;

  let gravity: number | undefined;
  if (/\bmoon\b/.test(text)) gravity = -1.62;
  else if (/\bmars\b/.test(text)) gravity = -3.71;
  else if (/\bjupiter\b/.test(text)) gravity = -24.79;
  else if (/\b(zero|no) gravity\b|\bweightless\b/.test(text)) gravity = 0;
  else if (/\blow gravity\b/.test(text)) gravity = -3;

  // Ice under things is the floor, not what the things are made of.
  const floorOfIce =
    /\b(on|onto|across|over) (the |an? )?(ice|ice rink|icy (floor|ground|surface|lake|pond)|frozen (floor|ground|lake|pond))\b/;
  const icyFloor = floorOfIce.test(text);
  const ballWord = /\b(ball|sphere|marble|boulder|bowling ball)\b/;
  const knockedByBall =
    /\bwrecking ball\b/.test(text) ||
    (ballWord.test(text) &&
      /\b(knock(s|ed|ing)?|hit(s|ting)?|smash(es|ed|ing)?|crash(es|ed|ing)?( into)?|topple[sd]?|toppling|struck|strikes?|destroy(s|ed)?|demolish(es|ed)?)\b/.test(
        text,
      ));

  return {
    phrases: nounPhrases(words, marked.measures),
    scenario: scenarioPatterns.find(([, pattern]) => pattern.test(text))?.[0],
    knockedByBall,
    colorful: /\b(colou?rful|rainbow|random colou?rs?|multicolou?red|all colou?rs)\b/.test(text),
    metal: /\b(metal|metallic|steel|chrome|shiny|iron)\b/.test(text),
    rubber: /\b(rubber|bouncy)\b/.test(text),
    icy: /\b(ice|icy|slippery|frictionless)\b/.test(text.replace(floorOfIce, ' ')),
    icyFloor,
    wooden: /\b(wood|wooden)\b/.test(text),
    glass: /\bglass\b/.test(text),
    heavy: /\b(heavy|lead)\b/.test(text),
    orbit: /\b(orbit(s|ing)?|rotating camera|spinning camera|circling|360)\b/.test(text),
    gravity,
    duration: durationMatch ? Number(durationMatch[1]) : undefined,
    fps: fpsMatch ? (Number(fpsMatch[1]) as 24 | 30 | 60) : undefined,
    resolution,
  };
}
