import type { GenerationFilter } from '../generations/generation-store.js';
import type { GenerationStatus } from '../generations/types.js';

/** The statuses `?status=running` stands for. */
export const runningStatuses: readonly GenerationStatus[] = [
  'queued',
  'starting',
  'processing',
  'downloading',
];

/**
 * The filters that can differ between the members of one group, as SQL over `alias` with `@name`
 * parameters: status, model and favorites. Everything else a filter holds (place, platform, user,
 * source, the prompt searched) is one value for a whole group, which was asked for by one person
 * with one prompt in one place.
 */
export function memberConditions(
  filter: GenerationFilter,
  alias: string,
): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.status === 'running')
    where.push(`${alias}.status IN (${runningStatuses.map((s) => `'${s}'`).join(',')})`);
  else if (filter.status) {
    where.push(`${alias}.status = @status`);
    params.status = filter.status;
  }
  if (filter.model) {
    where.push(`${alias}.model = @model`);
    params.model = filter.model;
  }
  if (filter.favoriteOf) {
    where.push(
      `EXISTS (SELECT 1 FROM favorites f WHERE f.platform = @favoritePlatform AND f.user_id = @favoriteUser AND f.generation_id = ${alias}.id)`,
    );
    params.favoritePlatform = filter.favoriteOf.platform;
    params.favoriteUser = filter.favoriteOf.userId;
  }
  return { where, params };
}

/**
 * `newer` comes after `older` in the gallery's order (created_at, then id); written with a range on
 * created_at, so an index on (chain_id, created_at) serves it alone.
 */
const isNewer = (newer: string, older: string) =>
  `${newer}.created_at >= ${older}.created_at AND (${newer}.created_at > ${older}.created_at OR ${newer}.id > ${older}.id)`;

/**
 * The gallery shows a chain of extends and a finished group (compare, batch) as one entry each.
 * These conditions (over `g`, with `@name` parameters, for both engines) keep only each entry's
 * own row, so that the page's LIMIT counts entries and every page is full:
 *
 * - chains: a finished part is left out when a newer part of its chain finished too, so the chain
 *   is its newest finished part (which plays the joined video); running and failed parts show on
 *   their own;
 * - groups: a member of a finished group is left out when a newer member of that group also passes
 *   the filter, so the group shows once, where its newest shown member would be.
 *
 * Both depend only on the row and its chain or group, never on the page, so a keyset cursor stays
 * stable: an entry is on exactly one page.
 */
export function galleryEntryConditions(filter: GenerationFilter): {
  where: string[];
  params: Record<string, unknown>;
} {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.foldChains)
    where.push(
      `(g.chain_id IS NULL OR g.status <> 'succeeded' OR NOT EXISTS (
        SELECT 1 FROM generations c WHERE c.chain_id = g.chain_id AND c.status = 'succeeded' AND ${isNewer('c', 'g')}))`,
    );
  if (filter.foldGroups) {
    const member = memberConditions(filter, 'm');
    where.push(
      `NOT EXISTS (
        SELECT 1 FROM generation_group_members gm
          JOIN generation_groups gr ON gr.id = gm.group_id
          JOIN generation_group_members om ON om.group_id = gm.group_id AND om.generation_id <> gm.generation_id
          JOIN generations m ON m.id = om.generation_id
        WHERE gm.generation_id = g.id AND gr.status = 'succeeded' AND ${[isNewer('m', 'g'), ...member.where].join(' AND ')})`,
    );
    Object.assign(params, member.params);
  }
  return { where, params };
}
