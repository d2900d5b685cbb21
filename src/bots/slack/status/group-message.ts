import type { webApi } from '@slack/bolt';
import { createEditThrottle } from '../../../core/chat/edit-throttle.js';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import { createLiveGroupMessages } from '../../../core/chat/live-group-messages.js';
import { truncate } from '../../../core/forms/text.js';
import {
  gridRestrictions,
  groupHeading,
  groupLines,
  groupOutcome,
} from '../../../core/generations/groups/group-text.js';
import type { GenerationGroup, GroupEvent } from '../../../core/generations/groups/types.js';
import { categoryInWords } from '../../../core/generations/moderation.js';
import type { Generation } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import type { MediaStorage } from '../../../core/media/storage.js';
import { type FitVideo, prepareUpload } from '../../../core/media/upload.js';
import type { Timers } from '../../../core/timers.js';
import { escapeMrkdwn, mrkdwnLink } from '../mrkdwn.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import { type StatusRef, statusRefOf } from './status-ref.js';

/** What the group messages need: the Web API, links for each clip, and where the grid is read. */
export interface SlackGroupMessagesDeps {
  client: webApi.WebClient;
  links: GalleryLinks;
  media: MediaStorage;
  uploadLimitBytes: number;
  fitVideo?: FitVideo;
  /** Keeps the ref (delivered once the grid is in the thread) with the group. */
  saveRef(groupId: string, ref: StatusRef): Promise<void>;
  logger: Logger;
  clock: () => number;
  timers: Timers;
  intervalMs: number;
}

/** The words of a group's message in mrkdwn: heading, a line per clip (linked once done), the grid's state. */
export function slackGroupText(group: GenerationGroup, members: Generation[], links: GalleryLinks): string {
  const lines = groupLines(group, members, group.refused, (member) =>
    mrkdwnLink(links.generation(member), 'open'),
  );
  const outcome = groupOutcome(group);
  // The lines carry links already; only the heading and outcome are the person's words.
  const text = [
    `*${escapeMrkdwn(groupHeading(group))}*`,
    ...lines,
    ...(outcome ? [escapeMrkdwn(outcome)] : []),
  ];
  return truncate(text.join('\n'), 3000);
}

/**
 * The one message of each Slack group (compare): `chat.update` as its clips move (throttled like a
 * status message), and the grid uploaded into its thread with `files.uploadV2` when it finishes.
 */
export function createSlackGroupMessages(deps: SlackGroupMessagesDeps) {
  const { client } = deps;

  async function uploadGrid(group: GenerationGroup, members: Generation[], ref: StatusRef): Promise<void> {
    if (!group.media) return;
    const log = deps.logger.child({ groupId: group.id });
    const restricted = gridRestrictions(members);
    if (restricted.length > 0) {
      // As for one video: Slack has no spoilers, so a grid with a flagged clip is not shown inline.
      await client.chat.postMessage({
        channel: ref.channel,
        thread_ts: ref.ts,
        text: `:warning: A clip of this group was flagged for ${restricted.map(categoryInWords).join(', ')}, so the side-by-side video is not shown here. Each clip is linked in the message above.`,
      });
      log.info({ categories: restricted }, 'age-restricted grid not uploaded to Slack');
      return;
    }
    const prepared = await prepareUpload(group.media, deps.uploadLimitBytes, {
      storage: deps.media,
      label: `${group.id}-slack`,
      fit: deps.fitVideo,
    });
    try {
      if (prepared.kind === 'too-big') throw prepared.error;
      await client.filesUploadV2({
        channel_id: ref.channel,
        thread_ts: ref.ts,
        file: prepared.path,
        filename: `reelbot-${group.id}.mp4`,
        title: groupHeading(group),
        initial_comment: 'Side by side: each clip is linked in the message above.',
      });
      log.info({ channel: ref.channel }, 'group grid uploaded to Slack');
    } catch (error) {
      log.warn({ err: error, code: errorCodeOf(error) }, 'could not upload the grid to Slack');
      await client.chat.postMessage({
        channel: ref.channel,
        thread_ts: ref.ts,
        text: `I could not upload the side-by-side video: ${plainWords(error)}`,
      });
    } finally {
      if (prepared.kind !== 'too-big') await prepared.cleanup();
    }
  }

  function messageOf(groupId: string, ref: StatusRef) {
    const log = deps.logger.child({ groupId });
    const throttle = createEditThrottle<GroupEvent>({
      intervalMs: deps.intervalMs,
      clock: deps.clock,
      timers: deps.timers,
      async send(event) {
        const text = slackGroupText(event.group, event.members, deps.links);
        await client.chat.update({ channel: ref.channel, ts: ref.ts, text });
        if (event.type !== 'finished') return;
        try {
          await uploadGrid(event.group, event.members, ref);
          await deps.saveRef(groupId, { ...ref, closed: true, delivered: true });
        } finally {
          live.done(groupId);
        }
      },
      onError(error) {
        log.warn({ err: error, code: errorCodeOf(error) }, 'could not edit the group message');
      },
    });
    return throttle;
  }

  const live = createLiveGroupMessages<StatusRef>({
    platform: 'slack',
    openRef(event) {
      const ref = statusRefOf(event.group.messageRef);
      return ref && !ref.delivered ? ref : undefined;
    },
    open: messageOf,
  });
  return live;
}

export type SlackGroupMessages = ReturnType<typeof createSlackGroupMessages>;
