import {
  type VideoAspect,
  type VideoChoices,
  type VideoQuality,
  videoAspects,
  videoDurationRange,
  videoQualities,
} from '../../../core/generations/video-choices.js';

/**
 * What `/simulate` text holds besides the sentence. A slash command is one line of text, so the
 * choices Discord offers as options are `key:value` words anywhere in it, as Slack people already
 * write search filters (`in:#general`): `/simulate marbles pour down stairs duration:6 aspect:9:16
 * quality:high seed:42`.
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

/** Splits the choices from the sentence of `/simulate` text; see {@link SimulateText}. */
export function readSimulateText(text: string): SimulateText {
  const video: VideoChoices = {};
  const problems: string[] = [];
  let seed: number | undefined;
  const words: string[] = [];
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const match = /^([a-z]+):(.+)$/i.exec(word);
    const key = match ? keys[match[1]!.toLowerCase()] : undefined;
    if (!match || !key) {
      words.push(word);
      continue;
    }
    const value = match[2]!.toLowerCase();
    if (key === 'duration') {
      const seconds = Number(value.replace(/s(ec(onds?)?)?$/, ''));
      const { min, max } = videoDurationRange;
      if (Number.isFinite(seconds) && seconds >= min && seconds <= max) video.duration = seconds;
      else problems.push(`duration must be from ${min} to ${max} seconds, like duration:5`);
    } else if (key === 'aspect') {
      const aspect = aspectWords[value] ?? (videoAspects.includes(value as VideoAspect) ? value : undefined);
      if (aspect) video.aspect = aspect as VideoAspect;
      else problems.push(`aspect must be one of ${videoAspects.join(', ')}, like aspect:9:16`);
    } else if (key === 'quality') {
      if (videoQualities.includes(value as VideoQuality)) video.quality = value as VideoQuality;
      else problems.push(`quality must be one of ${videoQualities.join(', ')}, like quality:high`);
    } else {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1) seed = n;
      else problems.push(`seed must be a whole number from 0 to ${2 ** 31 - 1}, like seed:42`);
    }
  }
  return { prompt: words.join(' '), video, ...(seed !== undefined ? { seed } : {}), problems };
}
