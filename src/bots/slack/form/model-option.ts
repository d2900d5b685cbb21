import { createHash } from 'node:crypto';
import { slackViewLimits } from './limits.js';

/** Hex digits of the ref's hash that tell two long refs with the same beginning apart. */
const hashLength = 10;

function shortHash(ref: string): string {
  return createHash('sha256').update(ref).digest('hex').slice(0, hashLength);
}

/**
 * The chooser option value for a model. Slack caps an option value at 75 characters and some
 * Replicate refs are longer (`cjwbw/compositional-vsual-generation-with-composable-diffusion-models-pytorch`):
 * those become their beginning plus a hash of the whole ref, which `modelFromOption` maps back.
 */
export function modelOptionValue(ref: string): string {
  if (ref.length <= slackViewLimits.optionValue) return ref;
  return `${ref.slice(0, slackViewLimits.optionValue - hashLength - 1)}#${shortHash(ref)}`;
}

/** The beginning of the ref a shortened value keeps, to search the catalog with; the ref itself otherwise. */
export function modelOptionPrefix(value: string): string {
  const hash = value.lastIndexOf('#');
  return hash < 0 ? value : value.slice(0, hash);
}

/**
 * The model an option value stands for: the value itself when it is a whole ref, otherwise the
 * candidate it was made from, or undefined when no candidate matches.
 */
export function modelFromOption(value: string, candidates: Iterable<string | undefined>): string | undefined {
  if (!value.includes('#')) return value;
  for (const ref of candidates) if (ref !== undefined && modelOptionValue(ref) === value) return ref;
  return undefined;
}
