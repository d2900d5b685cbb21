import {
  type APIActionRowComponent,
  type APIAllowedMentions,
  type APIComponentInMessageActionRow,
  ButtonStyle,
  ComponentType,
  type RESTPatchAPIChannelMessageJSONBody,
} from 'discord.js';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import { truncate } from '../../../core/forms/text.js';
import { canReroll } from '../../../core/generations/reroll-chance.js';
import {
  describeEvent,
  describeGeneration,
  type StatusView,
  statusLines,
} from '../../../core/generations/status-text.js';
import type { Generation, GenerationEvent } from '../../../core/generations/types.js';
import type { QueuePlace } from '../../../core/generations/user-limits.js';
import { buttonId } from '../custom-id.js';

type Body = RESTPatchAPIChannelMessageJSONBody;
type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** Mentions in prompts must never ping anyone. */
export const noMentions: APIAllowedMentions = { parse: [] };

const contentMax = 2000;

/** The status of a generation as it is now, with the newest event's details when there is one. */
export function viewOf(
  generation: Generation,
  options: { now: number; event?: GenerationEvent; queuePlace?: QueuePlace },
): StatusView {
  if (options.event && options.event.generation.id === generation.id && options.event.type !== 'queued')
    return describeEvent({ ...options.event, generation } as GenerationEvent, { now: options.now });
  return describeGeneration(generation, {
    now: options.now,
    queuePosition: options.queuePlace?.position,
    ownAhead: options.queuePlace?.ownAhead,
  });
}

/** The text of a status message: who asked, the status lines, and an optional note. */
export function statusContent(generation: Generation, view: StatusView, note?: string): string {
  const lines = statusLines(view);
  lines.splice(1, 0, `Requested by <@${generation.requester.userId}>`);
  if (note) lines.push(note);
  return truncate(lines.join('\n'), contentMax);
}

export function cancelRow(generationId: string): Row {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Danger,
        label: 'Cancel',
        custom_id: buttonId({ action: 'cancel', generationId }),
      },
    ],
  };
}

/**
 * Re-roll (not for a scene file's video), Parameters, Scene (simulations), Delete (finished only)
 * and Open in gallery, under a finished, failed or canceled video: five at most, Discord's most for one row.
 */
export function resultRow(generation: Generation, links: GalleryLinks): Row {
  const components: Row['components'] = [];
  // A simulation's sentence is read again with a new seed; a scene file's video would be the same.
  if (canReroll(generation))
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      label: 'Re-roll',
      emoji: { name: '🎲' },
      custom_id: buttonId({ action: 'reroll', generationId: generation.id }),
    });
  components.push({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label: 'Parameters',
    custom_id: buttonId({ action: 'params', generationId: generation.id }),
  });
  if (generation.source === 'simulation' && generation.input.scene !== undefined)
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: 'Scene',
      emoji: { name: '🧩' },
      custom_id: buttonId({ action: 'scene', generationId: generation.id }),
    });
  if (generation.status === 'succeeded')
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Danger,
      label: 'Delete',
      custom_id: buttonId({ action: 'delete', generationId: generation.id }),
    });
  // A failed video's page shows the whole error (Replicate's message, the code), as Slack's link does.
  components.push({
    type: ComponentType.Button,
    style: ButtonStyle.Link,
    label: 'Open in gallery',
    url: links.generation(generation),
  });
  return { type: ComponentType.ActionRow, components };
}

/**
 * The next steps from a finished video, on a second row: Extend (a video goes on from its last
 * frame) and Edit & re-run (a Replicate model's form again, with these values filled in).
 */
export function nextStepsRow(generation: Generation): Row | undefined {
  const components: Row['components'] = [];
  if (generation.status === 'succeeded' && generation.media?.mime.startsWith('video/'))
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: 'Extend',
      emoji: { name: '⏩' },
      custom_id: buttonId({ action: 'extend', generationId: generation.id }),
    });
  if (generation.source === 'replicate')
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: 'Edit & re-run',
      emoji: { name: '✏️' },
      custom_id: buttonId({ action: 'edit', generationId: generation.id }),
    });
  return components.length ? { type: ComponentType.ActionRow, components } : undefined;
}

/** Every button row under a finished (or failed) video. */
export function resultRows(generation: Generation, links: GalleryLinks): Row[] {
  const next = nextStepsRow(generation);
  return next ? [resultRow(generation, links), next] : [resultRow(generation, links)];
}

/** The message while a generation runs: status lines and a Cancel button. */
export function runningBody(generation: Generation, view: StatusView): Body {
  return {
    content: statusContent(generation, view),
    components: [cancelRow(generation.id)],
    allowed_mentions: noMentions,
  };
}

/** The message of a generation that failed or was canceled. */
export function endedBody(generation: Generation, view: StatusView, links: GalleryLinks): Body {
  return {
    content: statusContent(generation, view),
    components: resultRows(generation, links),
    attachments: [],
    allowed_mentions: noMentions,
  };
}
