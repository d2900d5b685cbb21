import { mergeRestricted } from '../moderation.js';
import type { Generation } from '../types.js';
import type { GenerationGroup, GroupRefusal } from './types.js';

/** A member's state in a few words, for one line of the group's message. */
export function memberState(member: Generation): string {
  switch (member.status) {
    case 'queued':
      return 'queued';
    case 'starting':
      return 'starting';
    case 'processing':
      return member.progress !== undefined ? `running, ${Math.round(member.progress)}%` : 'running';
    case 'downloading':
      return 'saving';
    case 'succeeded':
      return 'done';
    case 'failed':
      return `failed: ${member.error ?? 'no reason given'}`;
    case 'canceled':
      return 'canceled';
  }
}

/** The heading of a group's message: what was asked, in words both chats show as they are. */
export function groupHeading(group: GenerationGroup): string {
  const what =
    group.kind === 'compare'
      ? `Compare ${group.memberIds.length} models`
      : `Batch of ${group.memberIds.length}`;
  return group.prompt ? `${what}: “${group.prompt}”` : what;
}

/** What the grid's state adds under the lines. */
export function groupOutcome(group: GenerationGroup): string | undefined {
  if (group.status === 'composing') return 'All done: making the side-by-side video…';
  if (group.status === 'succeeded') return 'Side by side above; each clip is linked.';
  if (group.status === 'failed') return group.error ?? 'No side-by-side video.';
  return undefined;
}

/**
 * One line per member (its tile's label and state, with `link(member)` once it is done), then
 * one line per refused clip, so the message fills in as each finishes.
 */
export function groupLines(
  group: GenerationGroup,
  members: Generation[],
  refused: GroupRefusal[],
  link?: (member: Generation) => string,
): string[] {
  const byId = new Map(members.map((member) => [member.id, member]));
  const lines = group.memberIds.map((id, i) => {
    const member = byId.get(id);
    if (!member) return `${i + 1}. (deleted)`;
    const label =
      group.kind === 'batch' && member.seed !== undefined
        ? `${member.model} · seed ${member.seed}`
        : member.model;
    const done = member.status === 'succeeded' && link ? ` · ${link(member)}` : '';
    return `${i + 1}. ${label}: ${memberState(member)}${done}`;
  });
  for (const refusal of refused) lines.push(`✗ ${refusal.model}: not started. ${refusal.reason}`);
  return lines;
}

/**
 * The age-restricted moderation categories the grid carries: those of every clip in it, since each
 * tile shows its clip. The bots show such a grid as they show such a video (a Discord spoiler
 * outside nsfw channels, a link and a warning on Slack); empty when none was flagged.
 */
export function gridRestrictions(members: Generation[]): string[] {
  const tiles = members.filter((member) => member.status === 'succeeded');
  return mergeRestricted(...tiles.map((member) => member.restrictedCategories)) ?? [];
}
