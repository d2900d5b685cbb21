import fs from 'node:fs';
import type { REST } from 'discord.js';
import { createEditThrottle } from '../../../core/chat/edit-throttle.js';
import { createLiveGroupMessages } from '../../../core/chat/live-group-messages.js';
import { truncate } from '../../../core/forms/text.js';
import {
  gridRestrictions,
  groupHeading,
  groupLines,
  groupOutcome,
} from '../../../core/generations/groups/group-text.js';
import type { GenerationGroup, GroupEvent } from '../../../core/generations/groups/types.js';
import type { Generation } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import { prepareUpload } from '../../../core/media/upload.js';
import type { Timers } from '../../../core/timers.js';
import { createMessageEditor, type MessageEdit } from './editor.js';
import type { FinalMessageDeps } from './final-message.js';
import { asDiscordMessageRef, type DiscordMessageRef } from './status-ref.js';
import { noMentions } from './view.js';

export interface GroupMessagesOptions {
  rest: REST;
  clock: () => number;
  timers: Timers;
  intervalMs: number;
  logger: Logger;
  final: FinalMessageDeps;
  /** Keeps the ref (message id learned, token dropped) with the group. */
  saveRef(groupId: string, ref: DiscordMessageRef): void;
}

/** The words of a group's message: heading, a line per clip, and the grid's state. */
function groupText(group: GenerationGroup, members: Generation[], deps: FinalMessageDeps) {
  const lines = groupLines(group, members, group.refused, (member) => `<${deps.links.generation(member)}>`);
  const outcome = groupOutcome(group);
  return truncate([groupHeading(group), ...lines, ...(outcome ? [outcome] : [])].join('\n'), 2000);
}

/** The finished message: the grid attached (re-encoded to the upload limit when needed) and each clip linked. */
async function finishedEdit(
  group: GenerationGroup,
  members: Generation[],
  ref: DiscordMessageRef,
  deps: FinalMessageDeps,
): Promise<{ edit: MessageEdit; cleanup(): Promise<void> }> {
  const content = groupText(group, members, deps);
  const plain = { edit: { body: { content, allowed_mentions: noMentions } }, cleanup: async () => {} };
  if (!group.media) return plain;
  const upload = await prepareUpload(group.media, ref.attachmentSizeLimit, {
    storage: deps.media,
    label: `${group.id}-discord`,
    fit: deps.fit,
  });
  if (upload.kind === 'too-big') return plain;
  const data = await fs.promises.readFile(upload.path);
  // A clip flagged in an age-restricted category makes the grid a spoiler, as its own video is.
  const spoiler = gridRestrictions(members).length > 0 && ref.nsfwChannel !== true;
  const name = `${spoiler ? 'SPOILER_' : ''}reelbot-${group.id}.mp4`;
  return {
    edit: {
      body: { content, attachments: [{ id: '0', filename: name }], allowed_mentions: noMentions },
      files: [{ name, data, contentType: upload.mime }],
    },
    cleanup: upload.cleanup,
  };
}

/**
 * The one message of each group (compare, batch): edited as its clips move (throttled like a
 * status message), and given the grid video when the group finishes.
 */
export function createGroupMessages(options: GroupMessagesOptions) {
  function messageOf(groupId: string, start: DiscordMessageRef) {
    const log = options.logger.child({ groupId });
    const editor = createMessageEditor({
      rest: options.rest,
      ref: start,
      clock: options.clock,
      onRefChange: (ref) => options.saveRef(groupId, ref),
    });
    const throttle = createEditThrottle<GroupEvent>({
      intervalMs: options.intervalMs,
      clock: options.clock,
      timers: options.timers,
      async send(event) {
        const ref = editor.ref;
        if (event.type !== 'finished') {
          await editor.edit({
            body: {
              content: groupText(event.group, event.members, options.final),
              allowed_mentions: noMentions,
            },
          });
          return;
        }
        const final = await finishedEdit(event.group, event.members, ref, options.final);
        try {
          await editor.edit(final.edit);
          editor.update({ finalShown: true });
        } finally {
          await final.cleanup();
          live.done(groupId);
        }
      },
      onError(error) {
        log.warn({ err: error }, 'could not edit the group message');
      },
    });
    return throttle;
  }

  const live = createLiveGroupMessages<DiscordMessageRef>({
    platform: 'discord',
    openRef(event) {
      const ref = asDiscordMessageRef(event.group.messageRef);
      return ref && !ref.finalShown ? ref : undefined;
    },
    open: messageOf,
  });
  return live;
}

export type GroupMessages = ReturnType<typeof createGroupMessages>;
