import type { Database } from 'better-sqlite3';
import type { GroupStore } from '../generations/groups/group-store.js';
import type { GenerationGroup, GroupStatus } from '../generations/groups/types.js';
import { type GroupRow, groupPatchColumns, groupsByMember, newGroupRow, toGroup } from './group-rows.js';

/** Groups on SQLite: a row per group and a row per member, written in one transaction. */
export function createGroupStore(db: Database, clock: () => number = Date.now): GroupStore {
  const byId = db.prepare<[string], GroupRow>('SELECT * FROM generation_groups WHERE id = ?');
  const members = db.prepare<[string], { generation_id: string }>(
    'SELECT generation_id FROM generation_group_members WHERE group_id = ? ORDER BY position',
  );
  const groupOf = db.prepare<[string], { group_id: string }>(
    'SELECT group_id FROM generation_group_members WHERE generation_id = ?',
  );
  const groupsOfMembers = db.prepare<[string], GroupRow & { member_id: string }>(
    `SELECT gr.*, om.generation_id AS member_id
     FROM generation_groups gr JOIN generation_group_members om ON om.group_id = gr.id
     WHERE gr.id IN (SELECT group_id FROM generation_group_members
                     WHERE generation_id IN (SELECT value FROM json_each(?)))
     ORDER BY gr.id, om.position`,
  );
  const unfinished = db.prepare<[], GroupRow>(
    "SELECT * FROM generation_groups WHERE status IN ('running', 'composing') ORDER BY created_at, id",
  );
  const ended = db.prepare<[string, number], GroupRow>(
    `SELECT * FROM generation_groups WHERE platform = ? AND status IN ('succeeded', 'failed') AND updated_at >= ?
     ORDER BY updated_at, id`,
  );
  const read = (row: GroupRow | undefined): GenerationGroup | undefined =>
    row
      ? toGroup(
          row,
          members.all(row.id).map((member) => member.generation_id),
        )
      : undefined;

  const insert = db.transaction((row: GroupRow, memberIds: string[]) => {
    db.prepare(
      `INSERT INTO generation_groups (id, kind, platform, workspace_id, channel_id, user_id, user_name, prompt,
         status, media_json, error, refused_json, message_ref_json, created_at, updated_at)
       VALUES (@id, @kind, @platform, @workspace_id, @channel_id, @user_id, @user_name, @prompt,
         @status, @media_json, @error, @refused_json, @message_ref_json, @created_at, @updated_at)`,
    ).run(row);
    const member = db.prepare(
      'INSERT INTO generation_group_members (generation_id, group_id, position) VALUES (?, ?, ?)',
    );
    for (const [position, id] of memberIds.entries()) member.run(id, row.id, position);
  });

  return {
    async insert(group) {
      const now = clock();
      const row = newGroupRow(group, now);
      insert(row, group.memberIds);
      return read(byId.get(row.id))!;
    },
    async get(id) {
      return read(byId.get(id));
    },
    async groupIdOf(generationId) {
      return groupOf.get(generationId)?.group_id;
    },
    async groupsOf(generationIds) {
      if (generationIds.length === 0) return new Map();
      return groupsByMember(groupsOfMembers.all(JSON.stringify(generationIds)), generationIds);
    },
    async transition(id, from: readonly GroupStatus[], patch) {
      const columns: Record<string, unknown> = { ...groupPatchColumns(patch), updated_at: clock() };
      const names = Object.keys(columns);
      const result = db
        .prepare(
          `UPDATE generation_groups SET ${names.map((name) => `${name} = @${name}`).join(', ')}
           WHERE id = @id AND status IN (${from.map((_, i) => `@from${i}`).join(', ')})`,
        )
        .run({ ...columns, id, ...Object.fromEntries(from.map((status, i) => [`from${i}`, status])) });
      return result.changes === 1;
    },
    async listUnfinished() {
      return unfinished.all().map((row) => read(row)!);
    },
    async listEnded(platform, since) {
      return ended.all(platform, since).map((row) => read(row)!);
    },
  };
}
