import type { GroupStore } from '../../generations/groups/group-store.js';
import type { GenerationGroup } from '../../generations/groups/types.js';
import { type GroupRow, groupPatchColumns, groupsByMember, newGroupRow, toGroup } from '../group-rows.js';
import type { PostgresDatabase } from './database.js';

/** Groups on PostgreSQL; the same rules as ../groups.ts. */
export function createPostgresGroupStore(db: PostgresDatabase, clock: () => number = Date.now): GroupStore {
  async function read(row: GroupRow | undefined): Promise<GenerationGroup | undefined> {
    if (!row) return undefined;
    const members = await db
      .selectFrom('generation_group_members')
      .select('generation_id')
      .where('group_id', '=', row.id)
      .orderBy('position')
      .execute();
    return toGroup(
      row,
      members.map((member) => member.generation_id),
    );
  }
  const byId = (id: string) =>
    db.selectFrom('generation_groups').selectAll().where('id', '=', id).executeTakeFirst();

  return {
    async insert(group) {
      const now = clock();
      const row = newGroupRow(group, now);
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('generation_groups').values(row).execute();
        if (group.memberIds.length > 0)
          await tx
            .insertInto('generation_group_members')
            .values(
              group.memberIds.map((id, position) => ({ generation_id: id, group_id: row.id, position })),
            )
            .execute();
      });
      return (await read(await byId(row.id)))!;
    },
    async get(id) {
      return read(await byId(id));
    },
    async groupIdOf(generationId) {
      const row = await db
        .selectFrom('generation_group_members')
        .select('group_id')
        .where('generation_id', '=', generationId)
        .executeTakeFirst();
      return row?.group_id;
    },
    async groupsOf(generationIds) {
      if (generationIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('generation_groups as gr')
        .innerJoin('generation_group_members as om', 'om.group_id', 'gr.id')
        .selectAll('gr')
        .select('om.generation_id as member_id')
        .where('gr.id', 'in', (sub) =>
          sub
            .selectFrom('generation_group_members')
            .select('group_id')
            .where('generation_id', 'in', [...generationIds]),
        )
        .orderBy('gr.id')
        .orderBy('om.position')
        .execute();
      return groupsByMember(rows, generationIds);
    },
    async transition(id, from, patch) {
      const result = await db
        .updateTable('generation_groups')
        .set({ ...groupPatchColumns(patch), updated_at: clock() })
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listUnfinished() {
      const rows = await db
        .selectFrom('generation_groups')
        .selectAll()
        .where('status', 'in', ['running', 'composing'])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return Promise.all(rows.map(async (row) => (await read(row))!));
    },
    async listEnded(platform, since) {
      const rows = await db
        .selectFrom('generation_groups')
        .selectAll()
        .where('platform', '=', platform)
        .where('status', 'in', ['succeeded', 'failed'])
        .where('updated_at', '>=', since)
        .orderBy('updated_at')
        .orderBy('id')
        .execute();
      return Promise.all(rows.map(async (row) => (await read(row))!));
    },
  };
}
