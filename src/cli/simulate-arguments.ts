import { parseArgs } from 'node:util';
import { ReelbotError } from '../core/errors.js';
import { checkVideoChoices, readVideoChoices, type VideoChoices } from '../core/generations/video-choices.js';

/** `reelbot simulate --help`. */
export const simulateUsage = `Usage: reelbot simulate "PROMPT" [--scene FILE.json] [--seed N] [--duration S] [--aspect A] [--quality Q] [--out FILE.mp4 | --scene-only]

Makes a physics video from a sentence, offline (OpenAI helps when OPENAI_API_KEY is set), and
records it as a generation so the gallery and the bots show it.
  --scene FILE.json   simulate this scene instead of interpreting the prompt
  --seed N            the same prompt and seed give the same video (default 0; a --scene file has none)
  --duration S        seconds of video, 1 to 10 (5 or 5s)
  --aspect A          16:9 or wide (default), 9:16 or tall (for phones), 1:1 or square
  --quality Q         draft (480p, quick), standard (720p, default) or high (1080p, supersampled)
  --scene-only        print the scene as JSON and stop, without rendering or opening the database
  --out FILE.mp4      also copy the video here (into a folder named here, as ID.mp4)
Ctrl-C cancels.
`;

/** What `reelbot simulate` was asked to do, read from its command line and checked. */
export interface SimulateArguments {
  prompt: string | undefined;
  sceneFile: string | undefined;
  seed: number | undefined;
  out: string | undefined;
  sceneOnly: boolean;
  video: VideoChoices | undefined;
}

const options = {
  scene: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  aspect: { type: 'string' },
  quality: { type: 'string' },
  'scene-only': { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `--seed -1` as `--seed=-1`. node:util refuses a value that starts with a dash as "ambiguous" (it
 * may be a forgotten value before another option), in three lines that never say what the option
 * allows; a dash and a digit is no option here, so it is the value, and its check says what is wrong.
 */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([a-z-]+)$/.exec(argv[i]!)?.[1];
    const next = argv[i + 1];
    const takesValue =
      name !== undefined &&
      Object.hasOwn(options, name) &&
      options[name as keyof typeof options].type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else joined.push(argv[i]!);
  }
  return joined;
}

/**
 * Reads `reelbot simulate`'s command line; `help` when it asks for the usage. A mistake in it
 * throws: `CLI_USAGE`, or node:util's `ERR_PARSE_ARGS_*` for an unknown option or a missing value.
 */
export function readSimulateArguments(argv: string[]): SimulateArguments | 'help' {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    options,
  });
  if (values.help) return 'help';
  // Given but empty (`--out ""`, an unset shell variable): doing without it would drop what was asked.
  if (values.out === '')
    throw new ReelbotError('CLI_USAGE', '--out needs the file (FILE.mp4) or folder to copy the video to');
  if (values.scene === '')
    throw new ReelbotError('CLI_USAGE', '--scene needs the scene file (FILE.json) to read');
  const prompt = positionals.join(' ').trim() || undefined;
  const sceneOnly = values['scene-only'] === true;
  if (!prompt && !values.scene)
    throw new ReelbotError('CLI_USAGE', 'describe the scene in words, or give --scene FILE.json');
  if (sceneOnly && values.out)
    throw new ReelbotError(
      'CLI_USAGE',
      '--scene-only makes no video for --out to copy; to keep the scene, redirect it: > scene.json',
    );
  // The same reading as chat's options, so `--duration 5s --aspect tall` works as `duration:5s aspect:tall`.
  const typed = {
    duration: values.duration,
    aspect: values.aspect,
    quality: values.quality,
    seed: values.seed,
  };
  const read = readVideoChoices(typed);
  if (read.problems.length)
    throw new ReelbotError(
      'CLI_USAGE',
      read.problems.map(({ field, message }) => `--${field} ${typed[field]}: ${message}`).join('; '),
    );
  return {
    prompt,
    sceneFile: values.scene,
    seed: read.seed,
    out: values.out,
    sceneOnly,
    video: checkVideoChoices(read.video),
  };
}
