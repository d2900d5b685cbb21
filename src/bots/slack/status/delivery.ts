import path from 'node:path';
import type { webApi } from '@slack/bolt';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Generation, StoredMedia } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import { type FitVideo, galleryLink, type SlackBotDeps } from '../deps.js';
import { clip, escapeMrkdwn, mrkdwnLink } from '../mrkdwn.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { StatusRef } from './status-ref.js';

/** Slack's own limit for one uploaded file. */
export const slackUploadLimitBytes = 1024 * 1024 * 1024;

/** The words under the video: model, prompt, seed and the gallery link. */
export function videoCaption(generation: Generation, galleryUrl: string): string {
  const lines = [
    `*${escapeMrkdwn(generation.model)}*${generation.seed !== undefined ? ` · seed ${generation.seed}` : ''}`,
  ];
  if (generation.prompt) lines.push(`> ${escapeMrkdwn(clip(generation.prompt.replace(/\s+/g, ' '), 1500))}`);
  lines.push(mrkdwnLink(galleryUrl, 'Open in the gallery'));
  return lines.join('\n');
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * Uploads a finished video into the thread of its status message with `files.uploadV2`
 * (getUploadURLExternal, the POST of the bytes, completeUploadExternal). A video over the limit is
 * re-encoded when a `fitVideo` is given, or linked. When Slack refuses, the thread gets the reason
 * in plain words (a missing `files:write` is named) and the gallery link.
 */
export function createDelivery(deps: {
  client: webApi.WebClient;
  config: SlackBotDeps['config'];
  service: Pick<GenerationService, 'setMessageRef'>;
  logger: Logger;
  uploadLimitBytes: number;
  fitVideo?: FitVideo;
}) {
  const { client, config, logger } = deps;

  async function replyInThread(ref: StatusRef, text: string) {
    await client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text });
  }

  async function fileToSend(generation: Generation, media: StoredMedia, ref: StatusRef, link: string) {
    const file = path.resolve(config.dataDir, media.path);
    if (media.bytes <= deps.uploadLimitBytes) return file;
    if (deps.fitVideo) return (await deps.fitVideo({ path: file, maxBytes: deps.uploadLimitBytes })).path;
    await replyInThread(
      ref,
      `The video is ${megabytes(media.bytes)}, more than the ${megabytes(deps.uploadLimitBytes)} reelbot uploads to Slack. Watch it here: ${mrkdwnLink(link, 'gallery')}`,
    );
    logger.info(
      { generationId: generation.id, bytes: media.bytes },
      'video over the Slack upload limit; linked',
    );
    return undefined;
  }

  return async function deliver(generation: Generation, media: StoredMedia, ref: StatusRef): Promise<void> {
    if (ref.delivered) return;
    const link = galleryLink(config, generation.id);
    const log = logger.child({ generationId: generation.id });
    try {
      const file = await fileToSend(generation, media, ref, link);
      if (file) {
        await client.filesUploadV2({
          channel_id: ref.channel,
          thread_ts: ref.ts,
          file,
          filename: `${generation.id}.mp4`,
          title: `${generation.model}${generation.seed !== undefined ? ` (seed ${generation.seed})` : ''}`,
          initial_comment: videoCaption(generation, link),
        });
        log.info({ channel: ref.channel }, 'video uploaded to Slack');
      }
      deps.service.setMessageRef(generation.id, { ...ref, delivered: true });
    } catch (error) {
      log.warn({ err: error, code: errorCodeOf(error) }, 'could not upload the video to Slack');
      await replyInThread(
        ref,
        `I could not upload the video: ${plainWords(error)} Watch it here: ${mrkdwnLink(link, 'gallery')}`,
      ).catch((replyError: unknown) => log.warn({ err: replyError }, 'could not tell the thread either'));
    }
  };
}

export type Deliver = ReturnType<typeof createDelivery>;
