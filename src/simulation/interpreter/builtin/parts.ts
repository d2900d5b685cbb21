import type { Shape } from '../../scene/schema.js';
import { cappedNote, HeldCounts } from './held-counts.js';
import {
  betweenSides,
  colorWords,
  countAt,
  heldMeasure,
  type Measure,
  markMeasures,
  measureOf,
  measuresAfter,
  shapeWords,
  sizeWords,
  wordsOf,
} from './words.js';

/** How the bodies of one noun phrase are set out. */
export type Arrangement =
  | 'tower'
  | 'wall'
  | 'pyramid'
  | 'stack'
  | 'row'
  | 'pile'
  | 'ring'
  | 'grid'
  | 'spiral';

/** How a part meets the parts before it, from the preposition in front of it. */
export type Relation = 'into' | 'onto' | 'down' | 'beside' | 'around' | 'through' | 'over' | 'under';

/** One thing a sentence names: "a wall of 15 yellow boxes", "a ramp", "ten pins". */
export interface Part {
  kind: 'group' | 'ramp' | 'stairs' | 'pins';
  shape: Shape;
  /** The noun as written, e.g. `crates`. */
  noun: string;
  count?: number;
  colorNames: string[];
  colors: string[];
  /** Said to be of many colours: "colourful", "rainbow", "multicoloured" (each part is painted so). */
  colorful?: boolean;
  sizeScale?: number;
  /** The size word as written, e.g. `huge`. */
  sizeName?: string;
  /** A length said before or after it, in metres: "a 2 meter ball", "a ball of 2 m". */
  length?: number;
  /** A weight said before or after it, in kilograms: "a 10 kg crate", "crates of 10 kg". */
  mass?: number;
  /** Its measures were said after the noun ("boxes of 2 kg"), and are read so: "10 boxes (2 kg)". */
  measuredAfter?: boolean;
  arrangement?: Arrangement;
  metal: boolean;
  wooden: boolean;
  glass: boolean;
  icy: boolean;
  heavy: boolean;
  rubber: boolean;
  relation?: Relation;
  /**
   * The verb of motion it moves by, as written: the last one between it and the preposition of the
   * part it goes to ("rolls" in "a ball falls off a table and rolls into a wall"), shared by a list
   * ("a ball and a cube fall"), else one in front of it ("drop" in "drop a ball into a tower").
   */
  verb?: string;
  /** Named after "by": it does the moving ("a tower knocked over by a ball"). */
  agent?: boolean;
  /** Joined to the part before it by "and", with no preposition between ("a tower and a pyramid"). */
  andJoined?: boolean;
  /** A box named with what is in it ("a box of marbles", "marbles in a box"): a container, hit by nothing but what falls in. */
  holds?: boolean;
  /** In the box named with it ("a box of marbles"): it starts inside, settled, not dropped in. */
  inside?: boolean;
}

const arrangementWords: Readonly<Record<string, Arrangement>> = {
  tower: 'tower',
  towers: 'tower',
  wall: 'wall',
  walls: 'wall',
  pyramid: 'pyramid',
  pyramids: 'pyramid',
  stack: 'stack',
  row: 'row',
  rows: 'row',
  line: 'row',
  pile: 'pile',
  heap: 'pile',
  ring: 'ring',
  circle: 'ring',
  grid: 'grid',
  spiral: 'spiral',
};

/**
 * The words between an arrangement and what it is made of: "a tower of", "a pyramid made of", "a
 * wall built from"; how many there are, 0 when none.
 */
function linkAt(words: string[], i: number): number {
  if (words[i] === 'of') return 1;
  if (!/^(made|built)$/.test(words[i] ?? '')) return 0;
  if (words[i + 1] === 'of' || words[i + 1] === 'from') return 2;
  return words[i + 1] === 'out' && words[i + 2] === 'of' ? 3 : 0;
}

/**
 * An arrangement said after the thing arranged: "dominoes in a spiral", "30 boxes in a tower";
 * the arrangement and how many words say it.
 */
function arrangedAt(words: string[], i: number): { arrangement: Arrangement; length: number } | undefined {
  if (words[i] !== 'in') return undefined;
  const article = /^(a|an|the)$/.test(words[i + 1] ?? '') ? 1 : 0;
  const arrangement = arrangementWords[words[i + 1 + article] ?? ''];
  if (!arrangement || linkAt(words, i + 2 + article)) return undefined;
  return { arrangement, length: 2 + article };
}

/** Materials an arrangement may be made of with no noun: "a tower of glass". */
const materialWords = /^(ice|glass|steel|metal|iron|wood|wooden|rubber)$/;

/**
 * Where the noun an arrangement is made of stands, looking on from `from`: within 7 words, not past
 * an "and" that starts another thing ("a wall of ice and a ball": the ball is no brick). -1 when none.
 */
function nounOfArrangement(words: string[], from: number): number {
  for (let k = from; k < from + 6 && k < words.length; k++) {
    const w = words[k]!;
    if (shapeWords[w] || pinWords.has(w)) return k;
    if (w === 'and' && (countAt(words, k + 1) || words[k + 1] === 'the')) return -1;
  }
  return -1;
}

/** Boxes that hold what is named after them ("a box of marbles"), and the words that say so. */
const containerWords = new Set(['box', 'crate']);
const holdingPhrases = [['of'], ['full', 'of'], ['filled', 'with']];

/** Whether the words from `words[i]` put what came before in a box: "in a glass box", "inside the crate". */
function inContainer(words: string[], i: number): boolean {
  if (words[i] !== 'in' && words[i] !== 'inside') return false;
  const noun = words.slice(i + 1, i + 6).find((w) => shapeWords[w] || rampWords.has(w) || stairWords.has(w));
  return noun !== undefined && containerWords.has(noun);
}

/** Prepositions and the relation they name; longest first so "on top of" wins over "on". */
const relationPhrases: [string[], Relation][] = [
  [['on', 'top', 'of'], 'onto'],
  [['next', 'to'], 'beside'],
  [['knocks', 'down'], 'into'],
  [['knock', 'down'], 'into'],
  [['knocks', 'over'], 'into'],
  [['knock', 'over'], 'into'],
  [['into'], 'into'],
  [['at'], 'into'],
  [['towards'], 'into'],
  [['toward'], 'into'],
  [['hits'], 'into'],
  [['hit'], 'into'],
  [['smashes'], 'into'],
  [['smash'], 'into'],
  [['onto'], 'onto'],
  [['on'], 'onto'],
  [['off'], 'down'],
  [['down'], 'down'],
  [['from'], 'down'],
  [['beside'], 'beside'],
  [['between'], 'beside'],
  [['around'], 'around'],
  [['through'], 'through'],
  [['over'], 'over'],
  [['under'], 'under'],
];

/** Verbs of motion: a part right before one is what does it. */
const ownVerb =
  /^(falls?|drops?|rolls?|bounces?|tumbles?|rains?|pours?|slides?|flies|fly|moves?|swings?|crash(es)?|hits?|smash(es)?|knocks?)$/;

/** Verbs of motion, in any form: what carries a part to the next one. */
const motionVerb =
  /^(fall(s|ing|en)?|fell|drop(s|ped|ping)?|pour(s|ed|ing)?|rain(s|ed|ing)?|land(s|ed|ing)?|tumbl(e|es|ed|ing)|plung(e|es|ed|ing)|sink(s|ing)?|sank|roll(s|ed|ing)?|slid(e|es|ing)|fl(y|ies|ew|ying)|throw(s|n|ing)?|threw|toss(es|ed|ing)?|crash(es|ed|ing)?|smash(es|ed|ing)?|bounc(e|es|ed|ing)|mov(e|es|ed|ing)|swing(s|ing)?|swung|go(es|ing)?|went|shoot(s|ing)?|shot|launch(es|ed|ing)?|push(es|ed|ing)?|kick(s|ed|ing)?|knock(s|ed|ing)?|hit(s|ting)?|slam(s|med|ming)?|rush(es|ed|ing)?|rac(e|es|ed|ing)|hurtl(e|es|ed|ing))$/;

/** The last verb of motion among `words[from]` to `words[to - 1]`. */
function lastVerb(words: string[], from: number, to: number): string | undefined {
  return words.slice(Math.max(0, from), Math.max(0, to)).findLast((w) => motionVerb.test(w));
}

/** Arrangements that name a target on their own, with no "of" ("rolls into a pyramid"). */
const bareArrangements = new Set(['tower', 'pyramid', 'wall', 'stack']);

/** Whether a part is hit by what moves: gone into, onto, through or over. */
export function hitting(part: Part | undefined): boolean {
  return (
    part?.relation === 'into' ||
    part?.relation === 'onto' ||
    part?.relation === 'through' ||
    part?.relation === 'over'
  );
}

const pinWords = new Set(['pin', 'pins', 'skittle', 'skittles']);
const rampWords = new Set(['ramp', 'ramps', 'slope', 'incline']);
const stairWords = new Set(['stairs', 'steps', 'staircase', 'stair']);

function relationAt(words: string[], i: number): { relation: Relation; length: number } | undefined {
  for (const [phrase, relation] of relationPhrases)
    if (phrase.every((w, k) => words[i + k] === w)) return { relation, length: phrase.length };
  return undefined;
}

export function emptyPart(kind: Part['kind'], shape: Shape, noun: string): Part {
  return {
    kind,
    shape,
    noun,
    colorNames: [],
    colors: [],
    metal: false,
    wooden: false,
    glass: false,
    icy: false,
    heavy: false,
    rubber: false,
  };
}

/** Reads the words in front of a noun, back to where the previous part ended. */
function readModifiers(part: Part, words: string[], noun: number, from: number, found: Measure[]): void {
  for (let i = noun - 1; i >= from; i--) {
    const w = words[i]!;
    const measure = measureOf(w, found);
    if (measure?.kind === 'length') part.length ??= measure.value;
    else if (measure) part.mass ??= measure.value;
    else if (colorWords[w] && w !== 'wooden' && w !== 'wood') {
      part.colorNames.unshift(w);
      part.colors.unshift(colorWords[w]!);
    } else if (sizeWords[w] !== undefined && part.sizeScale === undefined) {
      part.sizeScale = sizeWords[w];
      part.sizeName = w;
    } else if (/^(steel|metal|metallic|iron|chrome|shiny)$/.test(w)) part.metal = true;
    else if (w === 'wooden' || w === 'wood') part.wooden = true;
    else if (w === 'glass') part.glass = true;
    else if (w === 'ice' || w === 'icy') part.icy = true;
    else if (w === 'bowling' || w === 'wrecking') {
      part.heavy = true;
      part.noun = `${w} ${part.noun}`;
    } else if (w === 'heavy' || w === 'lead') part.heavy = true;
    else if (w === 'rubber' || w === 'bouncy') part.rubber = true;
    else if (/^(colou?rful|rainbow|multicolou?red)$/.test(w)) part.colorful = true;
    else if (w === 'of' && !countAt(words, i - 1)) break;
    // "A spiral domino run": the "a" is the spiral's, no count of dominoes.
    else if (arrangementWords[w]) break;
    else {
      const number = countAt(words, i);
      if (number) {
        part.count = number.value;
        break;
      }
    }
  }
}

/**
 * Reads the measures said after the noun at `words[noun]` ("boxes of 2 kg", "crates 5 kg each")
 * onto `part`; a measure said before the noun wins. Returns the index of the last word taken, so
 * "each" or the "of" are not read into the next part.
 */
function readMeasuresAfter(part: Part, words: string[], noun: number, found: Measure[]): number {
  const after = measuresAfter(words, noun, found);
  if (!after) return noun;
  for (const measure of after.measures) {
    if (measure.kind === 'length') part.length ??= measure.value;
    else part.mass ??= measure.value;
  }
  part.measuredAfter = true;
  return after.end;
}

/**
 * How many steps the stairs at `words[i]` have, from "stairs of 500 steps", "a staircase with 10
 * steps" or "20 steps", set on `part`; returns where the stairs' words end, so "steps" is not read
 * as a second staircase.
 */
function stepsAt(part: Part, words: string[], i: number, from: number): number {
  const after = /^(of|with)$/.test(words[i + 1] ?? '') ? countAt(words, i + 2) : undefined;
  if (after && words[i + 3] && stairWords.has(words[i + 3]!)) {
    part.count = after.value;
    return i + 3;
  }
  // "A staircase" is one staircase, not one step.
  const before =
    i - 1 >= from && !/^(a|an|one|single)$/.test(words[i - 1]!) ? countAt(words, i - 1) : undefined;
  if (before) part.count = before.value;
  return i;
}

/** Reads every noun phrase of a sentence, its arrangement and the preposition that leads to it. */
export function readParts(prompt: string): Part[] {
  const marked = markMeasures(
    prompt.toLowerCase().replace(/\b\d+(\.\d+)?\s*(s|sec|secs|seconds?|fps)\b|\b\d+p\b/g, ' '),
  );
  const words = wordsOf(marked.text);
  const parts: Part[] = [];
  let pending: Relation | undefined;
  // Where the words of `pending` end: the verb up to there is the one that goes there, "hits" included.
  let pendingEnd = 0;
  // Parts with no preposition in front of them, whose verb comes after them; where the last part ended.
  let awaiting: Part[] = [];
  let lastEnd = -1;
  const moveBy = (verb: string | undefined) => {
    if (!verb) return;
    for (const p of awaiting) p.verb = verb;
    awaiting = [];
  };
  let agent = false;
  let joined = false;
  let consumed = 0;
  /** A box said to hold what follows it ("a box of"), and one said to hold what came before ("in a box"). */
  let filling: Part | undefined;
  let boxed = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'by' && !betweenSides(words, i)) {
      agent = true;
      pending = undefined;
      joined = false;
      consumed = i + 1;
      continue;
    }
    if (w === 'and' && parts.length) joined = true;
    if (inContainer(words, i) && parts.some((p) => p.kind === 'group' && !p.relation && !p.agent)) {
      boxed = true;
      pending = 'into';
      consumed = i + 1;
      continue;
    }
    const relation = relationAt(words, i);
    if (relation) {
      joined = false;
      pending = relation.relation;
      pendingEnd = i + relation.length;
      i += relation.length - 1;
      consumed = i + 1;
      continue;
    }
    let part: Part | undefined;
    let end = i;
    const arranged = arrangedAt(words, i);
    const last = parts.at(-1);
    if (arranged && (last?.kind === 'group' || last?.kind === 'pins')) {
      // "A row of 30 dominoes in a spiral" is built as a spiral: the reading says what was built.
      last.arrangement = arrangement(last, arranged.arrangement);
      i += arranged.length - 1;
      consumed = i + 1;
      continue;
    }
    const link = arrangementWords[w] ? linkAt(words, i + 1) : 0;
    const j = link ? nounOfArrangement(words, i + link + 1) : -1;
    if (j >= 0) {
      part = emptyPart(
        pinWords.has(words[j]!) ? 'pins' : 'group',
        shapeWords[words[j]!] ?? 'cylinder',
        words[j]!,
      );
      part.arrangement = arrangement(part, arrangementWords[w]!);
      readModifiers(part, words, j, i + 1 + link, marked.measures);
      // "A huge red wall of bricks": what is said of the wall is said of its bricks, but not its "a".
      const said = part.count;
      readModifiers(part, words, i, consumed, marked.measures);
      part.count = said;
      end = j;
    } else if (bareArrangements.has(w)) {
      // "Rolls into a pyramid", "a tower": an arrangement named alone is built of boxes.
      part = emptyPart('group', 'box', 'boxes');
      part.arrangement = arrangementWords[w];
      readModifiers(part, words, i, consumed, marked.measures);
      part.count = undefined;
      // "A wall of ice": boxes of the material it is made of.
      if (link && materialWords.test(words[i + 1 + link] ?? '')) {
        readModifiers(part, words, i + 2 + link, i + 1 + link, marked.measures);
        end = i + 1 + link;
      }
    } else if (rampWords.has(w)) part = emptyPart('ramp', 'box', 'ramp');
    else if (stairWords.has(w)) {
      part = emptyPart('stairs', 'box', 'stairs');
      end = stepsAt(part, words, i, consumed);
    } else if (pinWords.has(w)) {
      part = emptyPart('pins', 'cylinder', w);
      readModifiers(part, words, i, consumed, marked.measures);
    } else if (shapeWords[w]) {
      part = emptyPart('group', shapeWords[w]!, w);
      readModifiers(part, words, i, consumed, marked.measures);
    }
    if (!part) continue;
    const noun = end;
    if (part.kind === 'group' || part.kind === 'pins')
      end = readMeasuresAfter(part, words, end, marked.measures);
    // What a box holds is in it: the box is the target, a container (compose.ts).
    if (filling) {
      Object.assign(filling, { holds: true, relation: 'into' });
      part.inside = true;
      filling = undefined;
    }
    if (boxed && containerWords.has(part.noun) && part.count === 1) {
      part.holds = true;
      for (const p of parts) if (p.kind === 'group' && !p.relation && !p.agent) p.inside = true;
    }
    boxed = false;
    if (agent) part.agent = true;
    else if (pending) part.relation = pending;
    // "... and three cubes fall": a part with a verb of its own starts a new clause; it is not in a list.
    else if (joined && !ownVerb.test(words[end + 1] ?? '')) part.andJoined = true;
    // The verb is tied to what moves: "a ball falls off a table and rolls into a wall" rolls into it.
    const before = lastVerb(words, consumed, noun);
    if (part.relation) {
      moveBy(lastVerb(words, lastEnd + 1, pendingEnd));
      awaiting = [];
    } else {
      moveBy(lastVerb(words, lastEnd + 1, consumed));
      if (before) part.verb = before;
      awaiting.push(part);
    }
    pending = undefined;
    agent = false;
    joined = false;
    const holding = holdingPhrases.find((phrase) => phrase.every((x, k) => words[end + 1 + k] === x));
    const free = part.relation === undefined || part.relation === 'into';
    if (holding && containerWords.has(part.noun) && part.count === 1 && free && !part.agent && !part.holds) {
      filling = part;
      end += holding.length;
    }
    parts.push(part);
    lastEnd = end;
    consumed = end + 1;
    i = end;
  }
  moveBy(lastVerb(words, lastEnd + 1, words.length));
  return parts;
}

/** A spiral is a path of dominoes; other things said to be in one stand in a ring. */
function arrangement(part: Part, said: Arrangement): Arrangement {
  return said === 'spiral' && !/^domino/.test(part.noun) ? 'ring' : said;
}

/** A measure as the scene holds it, in metres or kilograms ("2 m"), and how it was bounded ("capped from 500 m"). */
function measureRead(kind: Measure['kind'], said: number): { shown: string; bound?: string } {
  const unit = kind === 'length' ? 'm' : 'kg';
  const shown = (v: number) => `${Math.round(v * 100) / 100} ${unit}`;
  const held = heldMeasure(kind, said);
  return held === said
    ? { shown: shown(held) }
    : { shown: shown(held), bound: `${held < said ? 'capped' : 'raised'} from ${shown(said)}` };
}

/** The noun for one of them: "balls" is "ball", "boxes" "box", "dominoes" "domino". */
function singular(noun: string): string {
  const head = noun.split(' ').at(-1)!;
  const known = (w: string) => shapeWords[w] !== undefined || pinWords.has(w);
  const one = [head.replace(/es$/, ''), head.replace(/s$/, '')].find((w) => w !== head && known(w));
  const stem = one ?? (/oes$/.test(head) ? head.slice(0, -2) : head.replace(/s$/, ''));
  return noun.replace(/\S+$/, stem);
}

function plural(part: Part): boolean {
  return part.count === undefined ? /s$/.test(part.noun) && part.noun !== 'glass' : part.count !== 1;
}

function describePart(said: Part, counts: HeldCounts): string {
  const held = said.count === undefined ? undefined : counts.of(said.noun, said.count);
  // Read as built: "0 balls" built as one ball is "a ball (raised from 0)".
  const part =
    held === undefined || held === said.count
      ? said
      : { ...said, count: held, noun: held === 1 ? singular(said.noun) : said.noun };
  if (part.kind === 'ramp') return 'a ramp';
  if (part.kind === 'stairs')
    return part.count === undefined
      ? 'stairs'
      : `stairs of ${part.count} steps${cappedNote(said.count, part.count)}`;
  const measured = [
    ...(part.length === undefined ? [] : [measureRead('length', part.length)]),
    ...(part.mass === undefined ? [] : [measureRead('mass', part.mass)]),
  ];
  const numbered =
    part.count !== undefined && (part.count !== 1 || (part.arrangement && part.count !== said.count));
  // Said after the noun, or after a count, the measures are read after the noun: "10 boxes (2 kg)",
  // "a ball (50 m, capped from 500 m)"; "10 2 kg crates" read as a hundred and two.
  const behind = part.measuredAfter || numbered;
  const words = [
    ...(part.heavy && !/^(bowling|wrecking) /.test(part.noun) ? ['heavy'] : []),
    ...(part.sizeName ? [part.sizeName] : []),
    ...(behind ? [] : measured.map((m) => m.shown)),
    ...(part.colorful ? ['colourful'] : []),
    // "Red and blue boxes", as said, not "red blue boxes".
    ...(part.colorNames.length > 1
      ? [`${part.colorNames.slice(0, -1).join(', ')} and ${part.colorNames.at(-1)}`]
      : part.colorNames),
    ...(part.metal ? ['steel'] : []),
    ...(part.wooden ? ['wooden'] : []),
    ...(part.glass ? ['glass'] : []),
    ...(part.icy ? ['icy'] : []),
    ...(part.rubber ? ['rubber'] : []),
    part.noun,
  ].join(' ');
  const many = plural(part);
  const counted = numbered
    ? `${part.count} ${words}`
    : many
      ? words
      : `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
  const after =
    behind && measured.length
      ? ` (${measured.map((m) => (m.bound ? `${m.shown}, ${m.bound}` : m.shown)).join(', ')})`
      : '';
  const note =
    after +
    (part.count === undefined ? '' : cappedNote(said.count, part.count)) +
    (behind ? '' : measured.map((m) => (m.bound ? ` (${m.bound})` : '')).join(''));
  return part.arrangement ? `a ${part.arrangement} of ${counted}${note}` : `${counted}${note}`;
}

/**
 * What the built-in interpreter understood, e.g. "8 blue balls, a ramp, a wall of 15 yellow boxes",
 * with the counts the scene holds (`counts`) in place of those said.
 */
export function describeParts(parts: Part[], counts = new HeldCounts()): string {
  if (!parts.length) return 'nothing it knows; a few falling boxes';
  const read: string[] = [];
  parts.forEach((part, i) => {
    const before = parts[i - 1];
    // What a box holds is read with it: "a box of marbles", "a crate with a ball", "10 marbles in a box".
    if (part.inside && before?.holds)
      read.push(`${read.pop()} ${plural(part) ? 'of' : 'with'} ${describePart(part, counts)}`);
    else if (part.holds && before?.inside) read.push(`${read.pop()} in ${describePart(part, counts)}`);
    else read.push(describePart(part, counts));
  });
  return read.join(', ');
}
