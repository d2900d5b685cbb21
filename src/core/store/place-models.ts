import type { Place } from '../access/place.js';
import { placeCondition } from './place-filter.js';

/**
 * The distinct models of one place's generations, in order: the gallery filter's list for a place's
 * link, as SQL over `g` with `@name` parameters, the same text on both engines. A server's place is
 * read from the `generations_place_models` index alone (platform, workspace, then model, so DISTINCT
 * and ORDER BY come in index order; the channel is in it for Slack's rule that a DM is no workspace's).
 */
export function placeModelsQuery(place: Place): { sql: string; params: Record<string, string> } {
  const { sql, params } = placeCondition(place);
  return { sql: `SELECT DISTINCT g.model FROM generations g WHERE ${sql} ORDER BY g.model`, params };
}
