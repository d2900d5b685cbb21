import { ValidationError } from '../errors.js';

/*
 * What a person may choose about a physics video in chat (`/simulate` options): how long, which
 * shape (phones want vertical video) and how fine. Kept with the generation (`input.video`) so a
 * re-roll or a restart makes the same kind of video.
 */

export const videoAspects = ['16:9', '9:16', '1:1'] as const;
export const videoQualities = ['draft', 'standard', 'high'] as const;
export type VideoAspect = (typeof videoAspects)[number];
export type VideoQuality = (typeof videoQualities)[number];

/** Seconds a chat-made simulation may last. */
export const videoDurationRange = { min: 1, max: 10 } as const;

export interface VideoChoices {
  /** Seconds, 1 to 10. */
  duration?: number;
  aspect?: VideoAspect;
  quality?: VideoQuality;
}

/**
 * The choices that were made, checked; undefined when none was.
 * @throws {ValidationError} naming each field that is out of range.
 */
export function checkVideoChoices(choices: VideoChoices | undefined): VideoChoices | undefined {
  if (!choices) return undefined;
  const problems: { field: string; message: string }[] = [];
  const { duration, aspect, quality } = choices;
  const { min, max } = videoDurationRange;
  if (duration !== undefined && !(Number.isFinite(duration) && duration >= min && duration <= max))
    problems.push({ field: 'duration', message: `duration must be from ${min} to ${max} seconds` });
  if (aspect !== undefined && !videoAspects.includes(aspect))
    problems.push({ field: 'aspect', message: `aspect must be one of ${videoAspects.join(', ')}` });
  if (quality !== undefined && !videoQualities.includes(quality))
    problems.push({ field: 'quality', message: `quality must be one of ${videoQualities.join(', ')}` });
  if (problems.length) throw new ValidationError(problems);
  const made = Object.fromEntries(
    Object.entries({ duration, aspect, quality }).filter(([, v]) => v !== undefined),
  );
  return Object.keys(made).length ? (made as VideoChoices) : undefined;
}

/** Words people use for an aspect instead of the ratio. */
const aspectWords: Readonly<Record<string, VideoAspect>> = {
  wide: '16:9',
  landscape: '16:9',
  horizontal: '16:9',
  tall: '9:16',
  vertical: '9:16',
  portrait: '9:16',
  phone: '9:16',
  square: '1:1',
};

/** The choices of a physics video as typed, by a CLI flag (`--duration 5s`) or a chat word (`aspect:tall`). */
export interface TypedVideoChoices {
  duration?: string;
  aspect?: string;
  quality?: string;
  seed?: string;
}

/** One typed choice that could not be read: which, and what it must be. */
export interface VideoChoiceProblem {
  field: keyof TypedVideoChoices;
  message: string;
}

/**
 * Reads the typed choices the same way on every surface, so what Slack takes the CLI takes too:
 * `5`, `5s` or `5 seconds`; `9:16`, `tall`, `portrait` or `phone`; any case.
 */
export function readVideoChoices(typed: TypedVideoChoices): {
  video: VideoChoices;
  seed?: number;
  problems: VideoChoiceProblem[];
} {
  const video: VideoChoices = {};
  const problems: VideoChoiceProblem[] = [];
  let seed: number | undefined;
  const { min, max } = videoDurationRange;
  const duration = typed.duration?.trim().toLowerCase();
  if (duration !== undefined) {
    const seconds = Number(duration.replace(/\s*s(ec(ond)?s?)?$/, ''));
    if (duration && Number.isFinite(seconds) && seconds >= min && seconds <= max) video.duration = seconds;
    else problems.push({ field: 'duration', message: `duration must be from ${min} to ${max} seconds` });
  }
  const aspect = typed.aspect?.trim().toLowerCase();
  if (aspect !== undefined) {
    const known =
      aspectWords[aspect] ??
      (videoAspects.includes(aspect as VideoAspect) ? (aspect as VideoAspect) : undefined);
    if (known) video.aspect = known;
    else
      problems.push({
        field: 'aspect',
        message: `aspect must be one of ${videoAspects.join(', ')} (or wide, tall, square)`,
      });
  }
  const quality = typed.quality?.trim().toLowerCase();
  if (quality !== undefined) {
    if (videoQualities.includes(quality as VideoQuality)) video.quality = quality as VideoQuality;
    else problems.push({ field: 'quality', message: `quality must be one of ${videoQualities.join(', ')}` });
  }
  if (typed.seed !== undefined) {
    const n = typed.seed.trim() ? Number(typed.seed) : Number.NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1) seed = n;
    else problems.push({ field: 'seed', message: `seed must be a whole number from 0 to ${2 ** 31 - 1}` });
  }
  return { video, ...(seed !== undefined ? { seed } : {}), problems };
}
