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
