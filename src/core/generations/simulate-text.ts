import {
  readVideoChoices,
  type TypedVideoChoices,
  type VideoChoiceProblem,
  type VideoChoices,
} from './video-choices.js';

/**
 * What `/simulate` text holds besides the sentence. Slack's slash command is one line of text, so
 * the choices Discord offers as options are `key:value` words anywhere in it, as Slack people
 * already write search filters (`in:#general`): `/simulate marbles pour down stairs duration:6
 * aspect:9:16 quality:high seed:42`. People type them into Discord's `prompt` too, so both bots
 * read the text here (Discord's own options, when given, win over typed words).
 */
export interface SimulateText {
  /** The sentence, without the choices. */
  prompt: string;
  video: VideoChoices;
  seed?: number;
  /** One sentence per choice that could not be read, e.g. `quality must be one of ...`. */
  problems: string[];
}

/** The keys people may use, and what each names; `length` and `format`/`ratio` are forgiven. */
const keys: Readonly<Record<string, 'duration' | 'aspect' | 'quality' | 'seed'>> = {
  duration: 'duration',
  length: 'duration',
  aspect: 'aspect',
  ratio: 'aspect',
  format: 'aspect',
  quality: 'quality',
  seed: 'seed',
};

/** An example of each choice as typed, shown after what it must be. */
const examples: Readonly<Record<VideoChoiceProblem['field'], string>> = {
  duration: 'duration:5',
  aspect: 'aspect:9:16',
  quality: 'quality:high',
  seed: 'seed:42',
};

const keyNames = Object.keys(keys).join('|');
/**
 * A choice typed the ways people type one besides `key:value`: `duration: 5`, `duration=5`,
 * `--duration 5` (as the CLI takes it). Without this the choice stayed in the sentence, unread,
 * and the video came out without it.
 */
const spacedChoice = new RegExp(
  String.raw`(^|\s)(?:--)?(${keyNames})(?:\s*[:=]\s*|(?<=--\w+)\s+)(?=\S)`,
  'gi',
);

/** Splits the choices from the sentence of `/simulate` text; see {@link SimulateText}. */
export function readSimulateText(text: string): SimulateText {
  const typed: TypedVideoChoices = {};
  const words: string[] = [];
  const joined = text.replace(spacedChoice, (_, before: string, key: string) => `${before}${key}:`);
  for (const word of joined.trim().split(/\s+/).filter(Boolean)) {
    const match = /^([a-z]+):(.+)$/i.exec(word);
    const key = match ? keys[match[1]!.toLowerCase()] : undefined;
    if (!match || !key) words.push(word);
    else typed[key] = match[2]!;
  }
  const { video, seed, problems } = readVideoChoices(typed);
  return {
    prompt: words.join(' '),
    video,
    ...(seed !== undefined ? { seed } : {}),
    problems: problems.map(({ field, message }) => `${message}, like ${examples[field]}`),
  };
}
