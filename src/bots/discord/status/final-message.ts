import fs from 'node:fs';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import { codeOf, userMessageOf } from '../../../core/errors.js';
import type { StatusView } from '../../../core/generations/status-text.js';
import type { Generation } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import { type MediaStorage, withLocalFile } from '../../../core/media/storage.js';
import { type FitVideo, prepareUpload } from '../../../core/media/upload.js';
import type { MessageEdit } from './editor.js';
import { keepRows } from './keep-row.js';
import { noMentions, resultRows, statusContent } from './view.js';

export interface FinalMessageDeps {
  media: MediaStorage;
  /** Re-encodes a video to fit the upload limit; the core's `fitToSize` when not given. */
  fit?: FitVideo;
  links: GalleryLinks;
  logger: Logger;
  /** Whether favorites are kept, so the Favorite button is shown. */
  favorites?: boolean;
  /** Attach the video and poster as spoilers (`SPOILER_` file names): Discord hides them until clicked. */
  spoiler?: boolean;
}

/** Discord shows an attachment whose name starts `SPOILER_` blurred until it is clicked. */
function fileName(name: string, deps: FinalMessageDeps): string {
  return deps.spoiler ? `SPOILER_${name}` : name;
}

/** The finished message, a smaller one to send when Discord still refuses it, and temp-file cleanup. */
export interface FinalMessage {
  edit: MessageEdit;
  /** The poster and a gallery link, for when the video cannot be uploaded. */
  fallback?: MessageEdit;
  cleanup(): Promise<void>;
}

const extensions: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'image/gif': 'gif',
};

const keep = (deps: FinalMessageDeps) => ({ favorites: deps.favorites ?? false });

function megabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

async function posterMessage(
  generation: Generation,
  view: StatusView,
  limit: number,
  deps: FinalMessageDeps,
  note: string,
): Promise<MessageEdit> {
  const content = statusContent(
    generation,
    view,
    `${note}\nWatch it in the gallery: ${deps.links.generation(generation)}`,
  );
  const body = {
    content,
    components: [...resultRows(generation, deps.links), ...keepRows(generation, deps.links, keep(deps))],
    attachments: [],
    allowed_mentions: noMentions,
  };
  const posterPath = generation.media?.posterPath;
  if (!posterPath) return { body };
  try {
    const data = await withLocalFile(deps.media, posterPath, (file) => fs.promises.readFile(file));
    if (data.length > limit) return { body };
    const name = fileName(`reelbot-${generation.id}-poster.jpg`, deps);
    return {
      body: { ...body, attachments: [{ id: '0', filename: name }] },
      files: [{ name, data, contentType: 'image/jpeg' }],
    };
  } catch (error) {
    deps.logger.warn(
      { err: error, generationId: generation.id },
      'poster unreadable; sending the link alone',
    );
    return { body };
  }
}

/**
 * The message of a finished video: the video attached when it fits the interaction's upload limit,
 * else re-encoded with the core's `fitToSize`, else the poster and a gallery link. Model, prompt,
 * seed and time taken are in the text; Re-roll, Parameters and Open in gallery below.
 */
export async function buildFinalMessage(
  generation: Generation,
  view: StatusView,
  limit: number,
  deps: FinalMessageDeps,
): Promise<FinalMessage> {
  const media = generation.media;
  const nothingToClean = async () => {};
  if (!media) {
    const body = {
      content: statusContent(
        generation,
        view,
        `Watch it in the gallery: ${deps.links.generation(generation)}`,
      ),
      components: [...resultRows(generation, deps.links), ...keepRows(generation, deps.links, keep(deps))],
      allowed_mentions: noMentions,
    };
    return { edit: { body }, cleanup: nothingToClean };
  }
  const log = deps.logger.child({ generationId: generation.id });
  const upload = await prepareUpload(media, limit, {
    storage: deps.media,
    label: `${generation.id}-discord`,
    fit: deps.fit,
  });
  if (upload.kind === 'too-big') {
    const { error } = upload;
    log.warn(
      { err: error, code: codeOf(error), bytes: media.bytes, limit },
      'the video cannot fit the upload limit',
    );
    const why =
      codeOf(error) === 'MEDIA_CANNOT_FIT'
        ? userMessageOf(error)
        : `The video is too big to attach here (${megabytes(limit)} limit).`;
    return { edit: await posterMessage(generation, view, limit, deps, why), cleanup: nothingToClean };
  }
  let note: string | undefined;
  if (upload.reencoded) {
    log.info({ from: media.bytes, to: upload.bytes, limit }, 're-encoded the video to fit the upload limit');
    note = `Re-encoded to fit the ${megabytes(limit)} upload limit here; the original is in the gallery.`;
  }
  const fallback = await posterMessage(
    generation,
    view,
    limit,
    deps,
    `The video is too big to attach here (${megabytes(limit)} limit).`,
  );
  const data = await fs.promises.readFile(upload.path).catch(async (error: unknown) => {
    await upload.cleanup();
    throw error;
  });
  const name = fileName(`reelbot-${generation.id}.${extensions[upload.mime] ?? 'mp4'}`, deps);
  const joined = await joinedAttachment(generation, limit - upload.bytes, deps).catch(async (error) => {
    await upload.cleanup();
    throw error;
  });
  const notes = [note, joined?.note].filter((line): line is string => Boolean(line));
  return {
    edit: {
      body: {
        content: statusContent(generation, view, notes.length ? notes.join('\n') : undefined),
        components: [...resultRows(generation, deps.links), ...keepRows(generation, deps.links, keep(deps))],
        attachments: [
          { id: '0', filename: name },
          ...(joined?.file ? [{ id: '1', filename: joined.file.name }] : []),
        ],
        allowed_mentions: noMentions,
      },
      files: [{ name, data, contentType: upload.mime }, ...(joined?.file ? [joined.file] : [])],
    },
    fallback,
    cleanup: async () => {
      await upload.cleanup();
      await joined?.cleanup();
    },
  };
}

/**
 * The chain joined, as a second video beside the new part, in what is left of the upload limit
 * (re-encoded to fit like the part); only a note with the gallery link when it cannot fit.
 */
async function joinedAttachment(
  generation: Generation,
  room: number,
  deps: FinalMessageDeps,
): Promise<
  | { note: string; file?: { name: string; data: Buffer; contentType: string }; cleanup(): Promise<void> }
  | undefined
> {
  const joined = generation.joinedMedia;
  if (!joined) return undefined;
  const seconds = joined.durationSeconds ? ` (${Math.round(joined.durationSeconds)} s)` : '';
  const upload =
    room > 256 * 1024
      ? await prepareUpload(joined, room, {
          storage: deps.media,
          label: `${generation.id}-joined-discord`,
          fit: deps.fit,
        })
      : undefined;
  if (!upload || upload.kind === 'too-big')
    return {
      note: `The whole video${seconds} is too big to attach beside this part: ${deps.links.generation(generation)}`,
      cleanup: async () => {},
    };
  const data = await fs.promises.readFile(upload.path).catch(async (error: unknown) => {
    await upload.cleanup();
    throw error;
  });
  return {
    note: `Joined with the parts before it: the whole video${seconds} is attached.`,
    file: { name: fileName(`reelbot-${generation.id}-joined.mp4`, deps), data, contentType: upload.mime },
    cleanup: upload.cleanup,
  };
}
