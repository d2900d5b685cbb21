import { isInPlace, type Place, type PlaceSource } from './place.js';

/**
 * What one web request may see: everything (the operator, or a public gallery), one place's
 * videos (a signed gallery link), one video (a signed video link), or nothing.
 */
export type Grant =
  | { kind: 'everything' }
  | { kind: 'place'; place: Place }
  | { kind: 'generation'; place: Place; generationId: string }
  | { kind: 'nothing' };

/** Whether a grant shows this generation. */
export function canSee(grant: Grant, generation: { id: string; requester: PlaceSource }): boolean {
  switch (grant.kind) {
    case 'everything':
      return true;
    case 'place':
      return isInPlace(generation, grant.place);
    case 'generation':
      return generation.id === grant.generationId && isInPlace(generation, grant.place);
    case 'nothing':
      return false;
  }
}
