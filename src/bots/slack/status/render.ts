import type { types } from '@slack/bolt';
import { truncate } from '../../../core/forms/text.js';
import { describeEvent, describeGeneration, type StatusView } from '../../../core/generations/status-text.js';
import type { Generation, GenerationEvent } from '../../../core/generations/types.js';
import { escapeMrkdwn, mrkdwnLink } from '../mrkdwn.js';

/** The action id of the Cancel button on a status message; its value is the generation id. */
export const cancelActionId = 'reelbot_cancel';
/** The action id of the Delete button on a finished video's status message; its value is the generation id. */
export const deleteActionId = 'reelbot_delete';
/** The action id of the Scene button under a finished simulation; its value is the generation id. */
export const sceneActionId = 'reelbot_scene';

/** A Slack message: the notification text and the blocks. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/**
 * The status message of a generation: state, percent, elapsed time, model and prompt, and a
 * Cancel button while it runs. The text comes from core's status text, shared with Discord.
 */
export function renderStatus(
  view: StatusView,
  generationId: string,
  galleryUrl: string,
  options: { scene?: boolean } = {},
): SlackMessage {
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(view.headline)}*` } },
  ];
  if (view.lastLog) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `> ${escapeMrkdwn(view.lastLog)}` }] });
  }
  if (view.failure) {
    const lines = [escapeMrkdwn(view.failure.reason)];
    if (view.failure.upstream)
      lines.push(`Replicate said: \`${escapeMrkdwn(truncate(view.failure.upstream, 500))}\``);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } });
  }
  const details = view.details.filter((line) => !line.startsWith('Time taken'));
  if (view.state === 'succeeded') details.push('The video is in the thread below.');
  details.push(mrkdwnLink(galleryUrl, 'Open in the gallery'));
  blocks.push({
    type: 'context',
    elements: details.map((line) => ({
      type: 'mrkdwn',
      text: truncate(line.startsWith('<') ? line : escapeMrkdwn(line), 3000),
    })),
  });
  if (!view.final) {
    blocks.push({
      type: 'actions',
      block_id: 'reelbot_status_actions',
      elements: [
        {
          type: 'button',
          action_id: cancelActionId,
          text: { type: 'plain_text', text: 'Cancel' },
          style: 'danger',
          value: generationId,
        },
      ],
    });
  }
  if (view.final && view.state === 'succeeded') {
    blocks.push({
      type: 'actions',
      block_id: 'reelbot_result_actions',
      elements: [
        ...(options.scene
          ? [
              {
                type: 'button' as const,
                action_id: sceneActionId,
                text: { type: 'plain_text' as const, text: 'Scene' },
                value: generationId,
              },
            ]
          : []),
        {
          type: 'button',
          action_id: deleteActionId,
          text: { type: 'plain_text', text: 'Delete' },
          style: 'danger',
          value: generationId,
        },
      ],
    });
  }
  return { text: truncate(view.headline, 3000), blocks };
}

/** The status message for an event. */
export function renderEvent(event: GenerationEvent, now: number, galleryUrl: string): SlackMessage {
  return renderStatus(describeEvent(event, { now }), event.generation.id, galleryUrl, {
    scene: event.generation.input.scene !== undefined,
  });
}

/** The status message for a generation as it stands (the first post). */
export function renderGeneration(generation: Generation, now: number, galleryUrl: string): SlackMessage {
  return renderStatus(describeGeneration(generation, { now }), generation.id, galleryUrl, {
    scene: generation.input.scene !== undefined,
  });
}
