import type { Place } from '../access/place.js';

/**
 * The SQL condition (over `g`, the generations table) matching {@link placeOf}: the rows of one
 * place. test/unit/core/store/place-filter.test.ts proves the two are one rule.
 */
export function placeCondition(place: Place): { sql: string; params: Record<string, string> } {
  if (place.kind === 'operator') return { sql: `g.platform IN ('cli', 'web')`, params: {} };
  const params = { placePlatform: place.platform };
  // Slack DM channel ids start with D; such a row belongs to its person even though it has a team id.
  const slackDm = `(g.channel_id IS NOT NULL AND g.channel_id LIKE 'D%')`;
  if (place.kind === 'dm') {
    const dm =
      place.platform === 'slack' ? `(g.workspace_id IS NULL OR ${slackDm})` : 'g.workspace_id IS NULL';
    return {
      sql: `(g.platform = @placePlatform AND g.user_id = @placeUser AND ${dm})`,
      params: { ...params, placeUser: place.userId },
    };
  }
  const notDm = place.platform === 'slack' ? ` AND NOT ${slackDm}` : '';
  return {
    sql: `(g.platform = @placePlatform AND g.workspace_id = @placeWorkspace${notDm})`,
    params: { ...params, placeWorkspace: place.workspaceId },
  };
}
