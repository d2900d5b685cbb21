import fs from 'node:fs';
import path from 'node:path';
import type { webApi } from '@slack/bolt';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Generation, StoredMedia } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import { fitToSize } from '../../../core/media/ffmpeg.js';
import type { FitVideo, SlackBotDeps } from '../deps.js';
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

/** The default re-encode: core's `fitToSize` into a temp file next to the media. */
function fitWithFfmpeg(dataDir: string): FitVideo {
  return async ({ path: input, maxBytes, generationId }) => {
    const dir = path.join(dataDir, 'tmp');
    await fs.promises.mkdir(dir, { recursive: true });
    const out = path.join(dir, `slack-${generationId}-${process.pid}.mp4`);
    const fitted = await fitToSize(input, maxBytes, out);
    return { path: fitted.path, bytes: fitted.bytes };
  };
}

/**
 * Uploads a finished video into the thread of its status message with `files.uploadV2`
 * (getUploadURLExternal, the POST of the bytes, completeUploadExternal). A video over the limit
 * (Slack's 1 GB, or a smaller configured one) is re-encoded to fit first. When that or Slack fails,
 * the thread gets the reason in plain words (a missing `files:write` is named) and the gallery link.
 */
export function createDelivery(deps: {
  client: webApi.WebClient;
  config: SlackBotDeps['config'];
  links: GalleryLinks;
  service: Pick<GenerationService, 'setMessageRef'>;
  logger: Logger;
  uploadLimitBytes: number;
  fitVideo?: FitVideo;
}) {
  const { client, config, logger } = deps;
  const shrink = deps.fitVideo ?? fitWithFfmpeg(config.dataDir);

  async function replyInThread(ref: StatusRef, text: string) {
    await client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text });
  }

  /** The file to upload: the kept video, or a copy re-encoded to fit the limit. */
  async function fileToSend(
    generation: Generation,
    media: StoredMedia,
  ): Promise<{ path: string; temp?: boolean }> {
    const file = path.resolve(config.dataDir, media.path);
    if (media.bytes <= deps.uploadLimitBytes) return { path: file };
    logger.info(
      { generationId: generation.id, bytes: media.bytes, limit: deps.uploadLimitBytes },
      'video over the Slack upload limit; re-encoding',
    );
    const fitted = await shrink({ path: file, maxBytes: deps.uploadLimitBytes, generationId: generation.id });
    return { path: fitted.path, temp: fitted.path !== file };
  }

  return async function deliver(generation: Generation, media: StoredMedia, ref: StatusRef): Promise<void> {
    if (ref.delivered) return;
    const link = deps.links.generation(generation.id);
    const log = logger.child({ generationId: generation.id });
    let file: { path: string; temp?: boolean } | undefined;
    try {
      file = await fileToSend(generation, media);
      await client.filesUploadV2({
        channel_id: ref.channel,
        thread_ts: ref.ts,
        file: file.path,
        filename: `${generation.id}.mp4`,
        title: `${generation.model}${generation.seed !== undefined ? ` (seed ${generation.seed})` : ''}`,
        initial_comment: videoCaption(generation, link),
      });
      log.info({ channel: ref.channel }, 'video uploaded to Slack');
      deps.service.setMessageRef(generation.id, { ...ref, delivered: true });
    } catch (error) {
      log.warn({ err: error, code: errorCodeOf(error) }, 'could not upload the video to Slack');
      try {
        await replyInThread(
          ref,
          `I could not upload the video: ${plainWords(error)} Watch it here: ${mrkdwnLink(link, 'gallery')}`,
        );
        // The thread has the reason and the link: a restart should not say it again.
        deps.service.setMessageRef(generation.id, { ...ref, delivered: true });
      } catch (replyError) {
        log.warn({ err: replyError }, 'could not tell the thread either; trying again at the next start');
      }
    } finally {
      if (file?.temp) await fs.promises.rm(file.path, { force: true });
    }
  };
}

export type Deliver = ReturnType<typeof createDelivery>;
