import { ReelbotError } from '../errors.js';
import type { Generation } from './types.js';

/**
 * Whether a Re-roll could make a different video. A re-roll changes only the seed, and in a
 * simulation the seed only picks how a sentence is read: a simulation rendered from a scene file
 * leaves nothing to chance (it is kept without a seed, and so is a re-roll of one made before this
 * rule), so it would come back frame for frame the same. Both bots leave its Re-roll button out.
 */
export function canReroll(generation: Pick<Generation, 'source' | 'seed' | 'input'>): boolean {
  if (generation.source !== 'simulation') return true;
  return generation.seed !== undefined && generation.input.sceneFile === undefined;
}

/** The answer to a Re-roll of a video {@link canReroll} rules out (a button from before the rule). */
export function nothingToReroll(generationId: string): ReelbotError {
  return new ReelbotError('NOTHING_TO_REROLL', `generation ${generationId} has no seed to change`, {
    userMessage:
      'This video was rendered from a scene file, which leaves nothing to chance: a re-roll would be the same video. To change it, press Scene, edit the file and attach it to `/simulate` again.',
    context: { generationId },
  });
}
