import type { ServerSettingsStore } from '../../generations/server-settings.js';
import { settingsFromRows, toAuditEntry, toJson } from '../server-settings.js';
import type { PostgresDatabase } from './database.js';

/**
 * Server settings on PostgreSQL; the same rules as ../server-settings.ts. The old value is read
 * `FOR UPDATE` inside the transaction, so two admins changing one key at once are logged in order,
 * each with the value the other left.
 */
export function createPostgresServerSettingsStore(
  db: PostgresDatabase,
  clock: () => number = Date.now,
): ServerSettingsStore {
  return {
    async get(place) {
      const rows = await db
        .selectFrom('server_settings')
        .select(['key', 'value_json'])
        .where('platform', '=', place.platform)
        .where('workspace_id', '=', place.workspaceId)
        .execute();
      return settingsFromRows(rows);
    },
    async change(place, key, value, actor) {
      return db.transaction().execute(async (tx) => {
        const where = { platform: place.platform, workspace_id: place.workspaceId, key };
        const old = await tx
          .selectFrom('server_settings')
          .select('value_json')
          .where('platform', '=', where.platform)
          .where('workspace_id', '=', where.workspace_id)
          .where('key', '=', key)
          .forUpdate()
          .executeTakeFirst();
        const now = clock();
        if (value === undefined)
          await tx
            .deleteFrom('server_settings')
            .where('platform', '=', where.platform)
            .where('workspace_id', '=', where.workspace_id)
            .where('key', '=', key)
            .execute();
        else
          await tx
            .insertInto('server_settings')
            .values({ ...where, value_json: JSON.stringify(value), updated_at: now })
            .onConflict((conflict) =>
              conflict
                .columns(['platform', 'workspace_id', 'key'])
                .doUpdateSet({ value_json: JSON.stringify(value), updated_at: now }),
            )
            .execute();
        await tx
          .insertInto('settings_audit')
          .values({
            ...where,
            old_json: old?.value_json ?? null,
            new_json: toJson(value),
            user_id: actor.userId,
            user_name: actor.userName ?? null,
            at: now,
          })
          .execute();
        return { oldValue: old ? JSON.parse(old.value_json) : undefined, newValue: value };
      });
    },
    async listAudit(place, limit = 50) {
      let query = db.selectFrom('settings_audit').selectAll().orderBy('id', 'desc').limit(limit);
      if (place)
        query = query.where('platform', '=', place.platform).where('workspace_id', '=', place.workspaceId);
      return (await query.execute()).map(toAuditEntry);
    },
  };
}
