import type { webApi } from '@slack/bolt';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Generation } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import { errorCodeOf, plainWords, slackProblemOf } from '../slack-errors.js';
import { renderGeneration } from './render.js';
import type { StatusRef } from './status-ref.js';
import type { StatusTracker } from './tracker.js';

/** Where a status message goes: the channel the person asked in, and the person. */
export interface StatusPlace {
  channelId: string;
  userId: string;
  teamId?: string;
}

/**
 * Posts the status message of a new generation and ties it to the generation, so every later
 * event edits it. When reelbot is not in the channel (a private channel, someone else's DM), the
 * status goes to the person's direct messages with reelbot instead, with the reason.
 */
export function createStatusPoster(deps: {
  client: webApi.WebClient;
  links: GalleryLinks;
  service: Pick<GenerationService, 'setMessageRef'>;
  tracker: StatusTracker;
  logger: Logger;
  clock: () => number;
}) {
  const { client, logger } = deps;

  async function post(channel: string, generation: Generation, note?: string) {
    const message = renderGeneration(generation, deps.clock(), deps.links.generation(generation));
    const blocks = note
      ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: note }] }, ...message.blocks]
      : message.blocks;
    const posted = await client.chat.postMessage({ channel, text: message.text, blocks });
    return { channel: posted.channel ?? channel, ts: posted.ts! };
  }

  return async function postStatus(
    generation: Generation,
    place: StatusPlace,
  ): Promise<StatusRef | undefined> {
    const log = logger.child({ generationId: generation.id });
    let where: { channel: string; ts: string };
    try {
      where = await post(place.channelId, generation);
    } catch (error) {
      const problem = slackProblemOf(error);
      if (problem?.error !== 'not_in_channel' && problem?.error !== 'channel_not_found') {
        log.warn({ err: error, code: errorCodeOf(error) }, 'could not post the Slack status message');
        return undefined;
      }
      // Posting to a user id lands in their messages with the app, which needs no membership.
      try {
        where = await post(place.userId, generation, plainWords(error));
      } catch (dmError) {
        log.warn(
          { err: dmError, code: errorCodeOf(dmError) },
          'could not post the Slack status message anywhere',
        );
        return undefined;
      }
    }
    const ref: StatusRef = { platform: 'slack', channel: where.channel, ts: where.ts, teamId: place.teamId };
    // Registered first: events that come while the ref is written still find the message.
    deps.tracker.register(generation.id, ref);
    await deps.service.setMessageRef(generation.id, { ...ref });
    return ref;
  };
}

export type PostStatus = ReturnType<typeof createStatusPoster>;
