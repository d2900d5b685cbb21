import type { Database } from 'better-sqlite3';
import {
  isSettingKey,
  type ServerSettings,
  type ServerSettingsStore,
  type SettingsAuditEntry,
} from '../generations/server-settings.js';

/** A row of `settings_audit`, as both engines read it. */
export interface SettingsAuditRow {
  id: number;
  platform: string;
  workspace_id: string;
  key: string;
  old_json: string | null;
  new_json: string | null;
  user_id: string;
  user_name: string | null;
  at: number;
}

const fromJson = (text: string | null | undefined): unknown =>
  text === null || text === undefined ? undefined : JSON.parse(text);

/** A value as a column holds it; undefined (the default) is NULL. */
export const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** The settings of one server from its rows; keys this version does not know are ignored. */
export function settingsFromRows(rows: { key: string; value_json: string }[]): ServerSettings {
  const settings: Record<string, unknown> = {};
  for (const row of rows) if (isSettingKey(row.key)) settings[row.key] = JSON.parse(row.value_json);
  return settings as ServerSettings;
}

/** An audit row as the port returns it. */
export function toAuditEntry(row: SettingsAuditRow): SettingsAuditEntry {
  return {
    id: Number(row.id),
    platform: row.platform,
    workspaceId: row.workspace_id,
    key: row.key,
    oldValue: fromJson(row.old_json),
    newValue: fromJson(row.new_json),
    userId: row.user_id,
    ...(row.user_name === null ? {} : { userName: row.user_name }),
    at: Number(row.at),
  };
}

/**
 * Server settings on SQLite. A change reads the old value, writes the new one (or deletes the row
 * to go back to the default) and appends the audit row inside one transaction, so the log never
 * misses a change nor records one that did not happen.
 */
export function createServerSettingsStore(db: Database, clock: () => number = Date.now): ServerSettingsStore {
  const change = db.transaction(
    (
      platform: string,
      workspaceId: string,
      key: string,
      value: unknown,
      userId: string,
      userName?: string,
    ) => {
      const old = db
        .prepare('SELECT value_json FROM server_settings WHERE platform = ? AND workspace_id = ? AND key = ?')
        .get(platform, workspaceId, key) as { value_json: string } | undefined;
      const now = clock();
      if (value === undefined)
        db.prepare('DELETE FROM server_settings WHERE platform = ? AND workspace_id = ? AND key = ?').run(
          platform,
          workspaceId,
          key,
        );
      else
        db.prepare(
          `INSERT INTO server_settings (platform, workspace_id, key, value_json, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (platform, workspace_id, key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
        ).run(platform, workspaceId, key, JSON.stringify(value), now);
      db.prepare(
        `INSERT INTO settings_audit (platform, workspace_id, key, old_json, new_json, user_id, user_name, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        platform,
        workspaceId,
        key,
        old?.value_json ?? null,
        toJson(value),
        userId,
        userName ?? null,
        now,
      );
      return { oldValue: fromJson(old?.value_json), newValue: value };
    },
  );
  return {
    async get(place) {
      const rows = db
        .prepare('SELECT key, value_json FROM server_settings WHERE platform = ? AND workspace_id = ?')
        .all(place.platform, place.workspaceId) as { key: string; value_json: string }[];
      return settingsFromRows(rows);
    },
    async change(place, key, value, actor) {
      return change.immediate(place.platform, place.workspaceId, key, value, actor.userId, actor.userName);
    },
    async listAudit(place, limit = 50) {
      const rows = (
        place
          ? db
              .prepare(
                'SELECT * FROM settings_audit WHERE platform = ? AND workspace_id = ? ORDER BY id DESC LIMIT ?',
              )
              .all(place.platform, place.workspaceId, limit)
          : db.prepare('SELECT * FROM settings_audit ORDER BY id DESC LIMIT ?').all(limit)
      ) as SettingsAuditRow[];
      return rows.map(toAuditEntry);
    },
  };
}
