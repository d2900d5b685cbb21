import type { types } from '@slack/bolt';
import { truncate } from '../../../core/forms/text.js';
import { canReroll } from '../../../core/generations/reroll-chance.js';
import { describeEvent, describeGeneration, type StatusView } from '../../../core/generations/status-text.js';
import type { Generation, GenerationEvent } from '../../../core/generations/types.js';
import { escapeMrkdwn, mrkdwnLink } from '../mrkdwn.js';

/** The action id of the Cancel button on a status message; its value is the generation id. */
export const cancelActionId = 'reelbot_cancel';
/** The action id of the Delete button on a finished video's status message; its value is the generation id. */
export const deleteActionId = 'reelbot_delete';
/** The action id of the Scene button under a finished simulation; its value is the generation id. */
export const sceneActionId = 'reelbot_scene';

/** The action id of the Favorite button on a finished video; its value is the generation id. */
export const favoriteActionId = 'reelbot_favorite';
/** The action id of the Download link button; Slack still sends an action for a link, acknowledged only. */
export const downloadActionId = 'reelbot_download';

/** The action id of the Re-roll button on a finished video; its value is the generation id. */
export const rerollActionId = 'reelbot_reroll';
/** The action id of the Parameters button on a finished video; its value is the generation id. */
export const parametersActionId = 'reelbot_parameters';
/** The action id of the Edit button (Edit & re-run) on a finished model video; its value is the generation id. */
export const editActionId = 'reelbot_edit';
/** The action id of the Extend button on a finished video; its value is the generation id. */
export const extendActionId = 'reelbot_extend';

/** What a finished video's message offers for keeping it. */
export interface KeepOptions {
  /**
   * Who asked, by the name Slack gave with the request: in a shared channel a re-roll or an
   * extension by someone else is theirs. A name, not a mention, so the status never pings.
   */
  requesterName?: string;
  /** The video was made by a model (not a simulation), so it has a form to edit. */
  editable?: boolean;
  /** The service can extend videos, so the Extend button is shown. */
  extend?: boolean;
  /** The file behind a signed one-video link (GalleryLinks.download). */
  downloadUrl?: string;
  /** Whether favorites are kept, so the Favorite button is shown. */
  favorites?: boolean;
  /** A simulation with a scene: offer it as a JSON file (the Scene button) once it has ended. */
  scene?: boolean;
  /** A re-roll would make the same video (a scene file's), so the Re-roll button is left out. */
  noReroll?: boolean;
}

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
  keep: KeepOptions = {},
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
  if (keep.requesterName) details.unshift(`Requested by ${keep.requesterName}`);
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
        ...sceneButton(generationId, keep),
        ...nextStepButtons(generationId, keep),
        {
          type: 'button',
          action_id: deleteActionId,
          text: { type: 'plain_text', text: 'Delete' },
          style: 'danger',
          value: generationId,
        },
        ...keepButtons(generationId, keep),
      ],
    });
  }
  // A failed or canceled video has nothing to keep, but its message says what to change ("try
  // fewer steps"): Re-roll, Parameters and Edit lead there, and a simulation's Scene, to change
  // and render again, as under Discord's failed message.
  if (view.final && view.state !== 'succeeded') {
    blocks.push({
      type: 'actions',
      block_id: 'reelbot_result_actions',
      elements: [
        ...sceneButton(generationId, keep),
        ...nextStepButtons(generationId, { ...keep, extend: false }),
      ],
    });
  }
  return { text: truncate(view.headline, 3000), blocks };
}

/** A simulation's Scene button, when it has a scene to send. */
function sceneButton(generationId: string, keep: KeepOptions): types.Button[] {
  return keep.scene ? [button(sceneActionId, 'Scene', generationId)] : [];
}

function button(actionId: string, text: string, generationId: string): types.Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value: generationId };
}

/** Re-roll (not for a scene file's video), Parameters, Edit and Extend: the next steps, as on Discord. */
function nextStepButtons(generationId: string, keep: KeepOptions): types.Button[] {
  const buttons = keep.noReroll ? [] : [button(rerollActionId, '🎲 Re-roll', generationId)];
  buttons.push(button(parametersActionId, 'Parameters', generationId));
  if (keep.editable) buttons.push(button(editActionId, '✏️ Edit', generationId));
  if (keep.extend) buttons.push(button(extendActionId, '⏩ Extend', generationId));
  return buttons;
}

/** Favorite and Download, after Delete on a finished video. */
function keepButtons(generationId: string, keep: KeepOptions): types.Button[] {
  const buttons: types.Button[] = [];
  if (keep.favorites)
    buttons.push({
      type: 'button',
      action_id: favoriteActionId,
      text: { type: 'plain_text', text: '⭐ Favorite' },
      value: generationId,
    });
  if (keep.downloadUrl)
    buttons.push({
      type: 'button',
      action_id: downloadActionId,
      text: { type: 'plain_text', text: 'Download' },
      url: keep.downloadUrl,
    });
  return buttons;
}

function requesterNameOf(generation: Generation): Pick<KeepOptions, 'requesterName'> {
  const name = generation.requester.userName;
  return name ? { requesterName: name } : {};
}

/** The status message for an event. */
export function renderEvent(
  event: GenerationEvent,
  now: number,
  galleryUrl: string,
  keep: KeepOptions = {},
): SlackMessage {
  return renderStatus(describeEvent(event, { now }), event.generation.id, galleryUrl, {
    ...keep,
    ...requesterNameOf(event.generation),
    editable: event.generation.source === 'replicate',
    scene: event.generation.input.scene !== undefined,
    noReroll: !canReroll(event.generation),
  });
}

/** The status message for a generation as it stands (the first post). */
export function renderGeneration(generation: Generation, now: number, galleryUrl: string): SlackMessage {
  return renderStatus(describeGeneration(generation, { now }), generation.id, galleryUrl, {
    ...requesterNameOf(generation),
    scene: generation.input.scene !== undefined,
    noReroll: !canReroll(generation),
  });
}
