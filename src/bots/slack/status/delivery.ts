import type { webApi } from '@slack/bolt';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import { truncate } from '../../../core/forms/text.js';
import { categoryInWords } from '../../../core/generations/moderation.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Generation, StoredMedia } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import { createMediaStorage } from '../../../core/media/configured-storage.js';
import { type FitVideo, prepareUpload, type UploadFile } from '../../../core/media/upload.js';
import type { SlackBotDeps } from '../bot-deps.js';
import { escapeMrkdwn, mrkdwnLink } from '../mrkdwn.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { StatusRef } from './status-ref.js';

/** Slack's own limit for one uploaded file. */
export const slackUploadLimitBytes = 1024 * 1024 * 1024;

/** The words under the video: model, prompt, seed and the gallery link. */
export function videoCaption(generation: Generation, galleryUrl: string): string {
  const lines = [
    `*${escapeMrkdwn(generation.model)}*${generation.seed !== undefined ? ` · seed ${generation.seed}` : ''}`,
  ];
  if (generation.prompt)
    lines.push(`> ${escapeMrkdwn(truncate(generation.prompt.replace(/\s+/g, ' '), 1500))}`);
  lines.push(mrkdwnLink(galleryUrl, 'Open in the gallery'));
  return lines.join('\n');
}

/**
 * Uploads a finished video into the thread of its status message with `files.uploadV2`
 * (getUploadURLExternal, the POST of the bytes, completeUploadExternal). A video over the limit
 * (Slack's 1 GB, or a smaller configured one) is re-encoded to fit first. When that or Slack fails,
 * the thread gets the reason in plain words (a missing `files:write` is named) and the gallery link.
 * A video flagged in an age-restricted moderation category is only linked, with a warning.
 */
export function createDelivery(deps: {
  client: webApi.WebClient;
  config: SlackBotDeps['config'];
  links: GalleryLinks;
  service: Pick<GenerationService, 'setMessageRef'>;
  logger: Logger;
  uploadLimitBytes: number;
  fitVideo?: FitVideo;
  /** Where the videos are; the configured storage when not given. */
  media?: SlackBotDeps['media'];
}) {
  const { client, logger } = deps;
  const storage = deps.media ?? createMediaStorage(deps.config);

  async function replyInThread(ref: StatusRef, text: string) {
    await client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text });
  }

  /**
   * An extended video's chain joined, as a second file in the thread after its part. A failure is
   * told in the thread with the gallery link (the part itself is delivered already).
   */
  async function deliverJoined(
    generation: Generation,
    joined: StoredMedia,
    ref: StatusRef,
  ): Promise<string[]> {
    const link = deps.links.generation(generation);
    let file: UploadFile | undefined;
    try {
      const prepared = await prepareUpload(joined, deps.uploadLimitBytes, {
        storage,
        label: `${generation.id}-joined-slack`,
        fit: deps.fitVideo,
      });
      if (prepared.kind === 'too-big') throw prepared.error;
      file = prepared;
      const seconds = joined.durationSeconds ? ` (${Math.round(joined.durationSeconds)} s)` : '';
      const uploaded = await client.filesUploadV2({
        channel_id: ref.channel,
        thread_ts: ref.ts,
        file: file.path,
        filename: `${generation.id}.joined.mp4`,
        title: `The whole chain${seconds}`,
        initial_comment: `The whole chain, joined${seconds}: ${mrkdwnLink(link, 'gallery')}`,
      });
      return uploaded.files
        .flatMap((completed) => completed.files ?? [])
        .map((f) => f.id)
        .filter((id): id is string => typeof id === 'string');
    } catch (error) {
      logger.warn(
        { err: error, generationId: generation.id, code: errorCodeOf(error) },
        'could not upload the joined video',
      );
      await replyInThread(
        ref,
        `I could not upload the joined video: ${plainWords(error)} Watch it here: ${mrkdwnLink(link, 'gallery')}`,
      ).catch(() => undefined);
      return [];
    } finally {
      await file?.cleanup();
    }
  }

  return async function deliver(generation: Generation, media: StoredMedia, ref: StatusRef): Promise<void> {
    if (ref.delivered) return;
    const link = deps.links.generation(generation);
    const log = logger.child({ generationId: generation.id });
    const restricted = generation.restrictedCategories ?? [];
    if (restricted.length > 0) {
      // Slack has no spoilers and no age-restricted channels: a video flagged in an age-restricted
      // category is not shown inline, only linked, with a warning, to the gallery (poster blurred).
      await replyInThread(
        ref,
        `:warning: This video was flagged for ${restricted.map(categoryInWords).join(', ')}, so it is not shown here. Watch it in the ${mrkdwnLink(link, 'gallery')} if you choose to.`,
      );
      log.info({ categories: restricted }, 'age-restricted video linked, not uploaded, in Slack');
      await deps.service.setMessageRef(generation.id, { ...ref, delivered: true });
      return;
    }
    let file: UploadFile | undefined;
    try {
      const prepared = await prepareUpload(media, deps.uploadLimitBytes, {
        storage,
        label: `${generation.id}-slack`,
        fit: deps.fitVideo,
      });
      // Told in the thread like any other failed upload.
      if (prepared.kind === 'too-big') throw prepared.error;
      file = prepared;
      if (file.reencoded)
        log.info(
          { bytes: media.bytes, to: file.bytes, limit: deps.uploadLimitBytes },
          'video over the Slack upload limit; re-encoded it',
        );
      const uploaded = await client.filesUploadV2({
        channel_id: ref.channel,
        thread_ts: ref.ts,
        file: file.path,
        filename: `${generation.id}.mp4`,
        title: `${generation.model}${generation.seed !== undefined ? ` (seed ${generation.seed})` : ''}`,
        initial_comment: videoCaption(generation, link),
      });
      log.info({ channel: ref.channel }, 'video uploaded to Slack');
      const fileIds = uploaded.files
        .flatMap((completed) => completed.files ?? [])
        .map((f) => f.id)
        .filter((id): id is string => typeof id === 'string');
      if (generation.joinedMedia)
        fileIds.push(...(await deliverJoined(generation, generation.joinedMedia, ref)));
      await deps.service.setMessageRef(generation.id, { ...ref, delivered: true, fileIds });
    } catch (error) {
      log.warn({ err: error, code: errorCodeOf(error) }, 'could not upload the video to Slack');
      try {
        await replyInThread(
          ref,
          `I could not upload the video: ${plainWords(error)} Watch it here: ${mrkdwnLink(link, 'gallery')}`,
        );
        // The thread has the reason and the link: a restart should not say it again.
        await deps.service.setMessageRef(generation.id, { ...ref, delivered: true });
      } catch (replyError) {
        log.warn({ err: replyError }, 'could not tell the thread either; trying again at the next start');
      }
    } finally {
      await file?.cleanup();
    }
  };
}

export type Deliver = ReturnType<typeof createDelivery>;
