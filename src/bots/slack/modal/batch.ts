import type { webApi } from '@slack/bolt';
import {
  type GroupService,
  type GroupStart,
  maxGroupSize,
} from '../../../core/generations/groups/group-service.js';
import type { Logger } from '../../../core/logger.js';
import type { RawValue } from '../../../core/replicate/coerce.js';
import type { SlackInputBlock } from '../form/index.js';
import type { ModalContext } from '../metadata.js';
import type { SlackGroupMessages } from '../status/group-message.js';
import type { StatusRef } from '../status/status-ref.js';

/** The block of "How many videos" in a model's form; no model input has this name. */
export const batchCountBlockId = 'reelbot_count';

/** What a batch from the Slack form needs: the group service and the live group messages. */
export interface SlackBatchDeps {
  groups: GroupService;
  groupMessages: SlackGroupMessages;
  logger: Logger;
}

/**
 * "How many videos": 1 to 4 of the same values, each with its own seed, in one message that ends
 * with the grid (Discord's `/video count:`). Optional: left alone, the form makes one video.
 */
export function batchCountBlock(initial?: string): SlackInputBlock {
  const options = Array.from({ length: maxGroupSize }, (_, i) => ({
    text: { type: 'plain_text' as const, text: i === 0 ? '1 video' : `${i + 1} videos, side by side` },
    value: String(i + 1),
  }));
  return {
    type: 'input',
    block_id: batchCountBlockId,
    optional: true,
    label: { type: 'plain_text', text: 'How many videos' },
    hint: { type: 'plain_text', text: 'Each with its own seed; more than one ends in a side-by-side video.' },
    element: {
      type: 'static_select',
      action_id: 'count',
      options,
      initial_option: options.find((option) => option.value === initial) ?? options[0],
    },
  };
}

/** Takes the count out of a submitted form's values (it is no model input): 1 when not chosen. */
export function takeBatchCount(raw: Record<string, RawValue>): number {
  const chosen = raw[batchCountBlockId];
  delete raw[batchCountBlockId];
  const count = typeof chosen === 'string' ? Number(chosen) : 1;
  return Number.isInteger(count) && count >= 1 && count <= maxGroupSize ? count : 1;
}

/**
 * Posts the one message of a batch already started (the modal closed) and makes it the group's
 * message: it fills in as each clip moves, and the grid goes into its thread.
 */
export async function postBatchMessage(
  deps: SlackBatchDeps,
  client: webApi.WebClient,
  started: GroupStart,
  context: Pick<ModalContext, 'channelId' | 'teamId'>,
): Promise<void> {
  const posted = await client.chat.postMessage({
    channel: context.channelId,
    text: `Batch of ${started.members.length}: starting…`,
  });
  const ref: StatusRef = {
    platform: 'slack',
    channel: posted.channel ?? context.channelId,
    ts: posted.ts!,
    teamId: context.teamId,
  };
  await deps.groups.setMessageRef(started.group.id, { ...ref });
  deps.logger.info(
    { groupId: started.group.id, members: started.members.length, refused: started.refused.length },
    'Slack batch started',
  );
  // Events before the ref was kept found no message; the state now catches the message up.
  const now = await deps.groups.current(started.group.id);
  if (now) deps.groupMessages.handle(now);
}
