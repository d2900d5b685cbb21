import { randomBytes } from 'node:crypto';
import type {
  GenerationGroup,
  GroupKind,
  GroupPatch,
  GroupStatus,
  NewGroup,
} from '../generations/groups/types.js';
import type { Platform } from '../generations/types.js';

/** A row of `generation_groups`, the same on both engines (times in ms, JSON as text). */
export interface GroupRow {
  id: string;
  kind: GroupKind;
  platform: Platform;
  workspace_id: string | null;
  channel_id: string | null;
  user_id: string;
  user_name: string | null;
  prompt: string | null;
  status: GroupStatus;
  media_json: string | null;
  error: string | null;
  refused_json: string | null;
  message_ref_json: string | null;
  created_at: number;
  updated_at: number;
}

/** A row of `generation_group_members`. */
export interface GroupMemberRow {
  generation_id: string;
  group_id: string;
  position: number;
}

/** A short id such as `grp_k3x9q2m7a1`, unlike a generation's `g_`. */
export function newGroupId(now: number): string {
  return `grp_${now.toString(36)}${randomBytes(5).toString('hex')}`;
}

/** A row and its members (by position) as the core's group. */
/** The row of a new group, as both engines insert it: running, with no grid yet. */
export function newGroupRow(group: NewGroup, now: number): GroupRow {
  return {
    id: group.id ?? newGroupId(now),
    kind: group.kind,
    platform: group.requester.platform,
    workspace_id: group.requester.workspaceId ?? null,
    channel_id: group.requester.channelId ?? null,
    user_id: group.requester.userId,
    user_name: group.requester.userName ?? null,
    prompt: group.prompt ?? null,
    status: 'running',
    media_json: null,
    error: null,
    refused_json: group.refused?.length ? JSON.stringify(group.refused) : null,
    message_ref_json: group.messageRef ? JSON.stringify(group.messageRef) : null,
    created_at: now,
    updated_at: now,
  };
}

export function toGroup(row: GroupRow, memberIds: string[]): GenerationGroup {
  return {
    id: row.id,
    kind: row.kind,
    requester: {
      platform: row.platform,
      userId: row.user_id,
      ...(row.workspace_id ? { workspaceId: row.workspace_id } : {}),
      ...(row.channel_id ? { channelId: row.channel_id } : {}),
      ...(row.user_name ? { userName: row.user_name } : {}),
    },
    ...(row.prompt !== null ? { prompt: row.prompt } : {}),
    memberIds,
    status: row.status,
    ...(row.media_json ? { media: JSON.parse(row.media_json) } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    refused: row.refused_json ? JSON.parse(row.refused_json) : [],
    ...(row.message_ref_json ? { messageRef: JSON.parse(row.message_ref_json) } : {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * Rows of groups joined to each of their members (`member_id`), ordered by group and position, as
 * the group of each wanted generation: what both engines' `groupsOf` read in one query.
 */
export function groupsByMember(
  rows: readonly (GroupRow & { member_id: string })[],
  wanted: readonly string[],
): Map<string, GenerationGroup> {
  const members = new Map<string, { row: GroupRow; ids: string[] }>();
  for (const row of rows) {
    const group = members.get(row.id) ?? { row, ids: [] };
    group.ids.push(row.member_id);
    members.set(row.id, group);
  }
  const byMember = new Map<string, GenerationGroup>();
  for (const { row, ids } of members.values()) {
    const group = toGroup(row, ids);
    for (const id of ids) byMember.set(id, group);
  }
  return new Map(wanted.flatMap((id) => (byMember.has(id) ? [[id, byMember.get(id)!] as const] : [])));
}

/** The columns a patch sets; absent keys are left out, `null` clears. */
export function groupPatchColumns(patch: GroupPatch): Partial<GroupRow> {
  const columns: Partial<GroupRow> = {};
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.media !== undefined) columns.media_json = patch.media ? JSON.stringify(patch.media) : null;
  if (patch.error !== undefined) columns.error = patch.error;
  if (patch.messageRef !== undefined)
    columns.message_ref_json = patch.messageRef ? JSON.stringify(patch.messageRef) : null;
  return columns;
}
