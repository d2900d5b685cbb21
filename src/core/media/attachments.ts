import { fileTypeFromBuffer } from 'file-type';
import { type Dispatcher, request } from 'undici';
import { AttachmentError, ReelbotError } from '../errors.js';
import { discard } from './download.js';
import { type Dimensions, imageDimensions } from './image-dimensions.js';

/** At most 10 MB, as the earlier platform allowed and Discord's default upload limit suggests. */
export const maxAttachmentBytes = 10 * 1024 * 1024;
/** Image types a model input takes, as `file-type` names them. */
export const attachmentTypes = ['jpg', 'png', 'gif', 'webp'] as const;
/** Sides outside this range are icons or panoramas no video model animates well. */
export const attachmentSideRange = { min: 16, max: 8192 } as const;
const maxPixels = 40_000_000;

/** A chat image to fetch. */
export interface AttachmentSource {
  url: string;
  /** Slack needs `Authorization: Bearer <bot token>`; the header is not sent to another host. */
  headers?: Record<string, string>;
  filename?: string;
  /** What the platform says; checked again against the bytes. */
  size?: number;
  /** The bytes, when already in hand (a local file): nothing is fetched. */
  data?: Uint8Array;
}

/** An image that passed every check. */
export interface CheckedImage extends Dimensions {
  bytes: Buffer;
  ext: (typeof attachmentTypes)[number];
  mime: string;
  filename: string;
}

export interface AttachmentOptions {
  maxBytes?: number;
  /** What the file is, for the messages people read: `image` unless said. */
  noun?: string;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

function tooLarge(maxBytes: number, noun = 'image'): AttachmentError {
  const size =
    maxBytes >= 1024 * 1024
      ? `${Math.round(maxBytes / (1024 * 1024))} MB`
      : `${Math.round(maxBytes / 1024)} KB`;
  return new AttachmentError(
    'ATTACHMENT_TOO_LARGE',
    `attachment is larger than ${maxBytes} bytes`,
    `The ${noun} is too large: at most ${size}, please.`,
  );
}

/** Checks bytes as an image input: JPEG, PNG, GIF or WebP by magic bytes, size, sane dimensions. */
export async function checkImage(
  bytes: Buffer,
  filename = 'image',
  maxBytes = maxAttachmentBytes,
): Promise<CheckedImage> {
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  const type = await fileTypeFromBuffer(bytes);
  const ext = attachmentTypes.find((t) => t === type?.ext);
  if (!type || !ext)
    throw new AttachmentError(
      'ATTACHMENT_WRONG_TYPE',
      `${filename} is ${type?.mime ?? 'not a known file type'}, not an image reelbot accepts`,
      `"${filename}" is not a JPEG, PNG, GIF or WebP image. Please attach one of those.`,
    );
  const size = imageDimensions(bytes, ext);
  if (!size)
    throw new AttachmentError(
      'ATTACHMENT_UNREADABLE',
      `${filename}: cannot read the image size`,
      `"${filename}" looks damaged; please attach another image.`,
    );
  const { min, max } = attachmentSideRange;
  if (
    size.width < min ||
    size.height < min ||
    size.width > max ||
    size.height > max ||
    size.width * size.height > maxPixels
  )
    throw new AttachmentError(
      'ATTACHMENT_DIMENSIONS',
      `${filename} is ${size.width}x${size.height}`,
      `The image is ${size.width}×${size.height} pixels; please use one between ${min} and ${max} pixels on each side.`,
    );
  return { bytes, ext, mime: type.mime, filename, ...size };
}

/**
 * Fetches a chat attachment (an image, a scene file), at most `maxBytes`, following redirects (the
 * auth header stays with its host).
 */
export async function fetchAttachment(
  source: AttachmentSource,
  options: AttachmentOptions = {},
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? maxAttachmentBytes;
  const noun = options.noun ?? 'image';
  if (source.size !== undefined && source.size > maxBytes) throw tooLarge(maxBytes, noun);
  let url = new URL(source.url);
  const origin = url.host;
  for (let hop = 0; hop < 5; hop++) {
    const response = await request(url, {
      dispatcher: options.dispatcher,
      signal: options.signal,
      headers: url.host === origin ? source.headers : undefined,
      headersTimeout: 20_000,
      bodyTimeout: 20_000,
    }).catch((error: unknown) => {
      throw new AttachmentError(
        'ATTACHMENT_UNREADABLE',
        `cannot fetch ${url.host}: ${(error as Error).message}`,
        `reelbot could not fetch the ${noun}. Please attach it again.`,
        error,
      );
    });
    if ([301, 302, 303, 307, 308].includes(response.statusCode) && response.headers.location) {
      await response.body.dump();
      url = new URL(String(response.headers.location), url);
      continue;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new AttachmentError(
        'ATTACHMENT_UNREADABLE',
        `GET ${url.host} answered ${response.statusCode}`,
        `reelbot could not fetch the ${noun}. Please attach it again.`,
      );
    }
    if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
      discard(response.body);
      throw tooLarge(maxBytes, noun);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        discard(response.body);
        throw tooLarge(maxBytes, noun);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
  throw new AttachmentError(
    'ATTACHMENT_UNREADABLE',
    'too many redirects',
    `reelbot could not fetch the ${noun}.`,
  );
}

/**
 * Where a checked image goes so a model can read it: Replicate's Files API (`ReplicateApi`
 * satisfies it). Declared here, where it is used, so media stays below replicate.
 */
export interface ImageUploader {
  uploadFile(data: Blob, filename: string): Promise<{ urls: { get: string } }>;
}

/**
 * Turns a chat attachment into a model input: fetch, check, inspect, upload through Replicate's Files API.
 * Returns the URL the model reads the image from. Throws `AttachmentError` for a bad file.
 */
export async function prepareAttachment(
  source: AttachmentSource,
  api: ImageUploader,
  options: AttachmentOptions & {
    /** Looks at the checked image before it is uploaded (moderation); throws to refuse it. */
    inspect?: (image: CheckedImage) => Promise<void>;
  } = {},
): Promise<{ url: string; image: Omit<CheckedImage, 'bytes'> }> {
  const bytes = source.data ? Buffer.from(source.data) : await fetchAttachment(source, options);
  const checked = await checkImage(bytes, source.filename ?? 'image', options.maxBytes);
  await options.inspect?.(checked);
  const name = (source.filename ?? 'image').replace(/\.[^.]*$/, '');
  const uploaded = await api
    .uploadFile(new Blob([new Uint8Array(checked.bytes)], { type: checked.mime }), `${name}.${checked.ext}`)
    .catch((error: unknown) => {
      if (error instanceof ReelbotError) throw error;
      throw new AttachmentError(
        'ATTACHMENT_UPLOAD_FAILED',
        `upload to Replicate failed: ${(error as Error).message}`,
        'reelbot could not hand the image to Replicate. Please try again.',
        error,
      );
    });
  const { bytes: _bytes, ...image } = checked;
  return { url: uploaded.urls.get, image };
}
