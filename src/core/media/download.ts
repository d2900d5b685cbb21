import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { DownloadError } from '../errors.js';
import { type DownloadFile, diskFull, freeBytesIn, isDiskFull, noRoomFor } from './download-file.js';
import { WriteFailure, writeOffThread } from './download-writer.js';
import { privateAddressError } from './guarded-dispatcher.js';
import { type HostAllowList, isPrivateAddress } from './host-allow-list.js';
import { openGet } from './http-body.js';
import { partFileName } from './part-files.js';

/** File types (as `file-type` names them) a video model may return. */
export const videoTypes = ['mp4', 'm4v', 'mov', 'webm', 'gif'] as const;
/** File types an image output may have. */
export const imageTypes = ['png', 'jpg', 'webp'] as const;

/** The waits between attempts: three retries after 2, 4 and 8 seconds. */
export const defaultRetryDelaysMs = [2000, 4000, 8000] as const;

export type { DownloadFile } from './download-file.js';

export interface DownloadOptions {
  url: string;
  /** Where the temporary file goes; a directory under DATA_DIR, so the final rename is atomic. */
  tempDir: string;
  /** Named in the temporary file, so that what a dead process left can be told apart (part-files.ts). */
  owner?: string;
  maxBytes: number;
  allowList: HostAllowList;
  /** Accepted `file-type` extensions, e.g. {@link videoTypes}. */
  accept: readonly string[];
  /** Use {@link createGuardedDispatcher}: it refuses private addresses at connect time. */
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  maxRedirects?: number;
  /**
   * Opens the temporary file for writing (it must not exist yet); `fs.promises.open(path, 'wx')` by
   * default. The writer thread writes at its descriptor. Tests pass a full disk or a slow pipe.
   */
  openFile?: (path: string) => Promise<DownloadFile>;
  /** Free bytes in a directory; `fs.statfs` by default. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Longest silence between two chunks before the attempt counts as stalled. */
  idleTimeoutMs?: number;
  logger?: Logger;
  onProgress?: (bytes: number, total?: number) => void;
}

/** A verified download, still in its temporary file. */
export interface DownloadedFile {
  tempPath: string;
  bytes: number;
  sha256: string;
  /** `file-type` extension, e.g. `mp4`. */
  ext: string;
  mime: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const sniffBytes = 4100;
/** onProgress is told at most once a megabyte: a call per 64 KB chunk showed in profiles. */
const progressStepBytes = 1024 * 1024;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

function refusedHost(url: URL): DownloadError {
  return new DownloadError('DOWNLOAD_HOST_REFUSED', `Refusing to download from ${url.host}: not allowed`, {
    userMessage: 'The model returned a link reelbot is not allowed to download from.',
    context: { host: url.host },
  });
}

function checkUrl(url: URL, allowList: HostAllowList): void {
  if (!allowList.allows(url)) throw refusedHost(url);
  // An IP literal never reaches the dispatcher's DNS lookup, so check it here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) && isPrivateAddress(host) && !allowList.allowsPrivateHost(host))
    throw privateAddressError(host);
}

/** Follows redirects by hand so every hop is checked against the allow-list. */
async function openResponse(options: DownloadOptions, signal: AbortSignal) {
  let url = new URL(options.url);
  const maxRedirects = options.maxRedirects ?? 5;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    checkUrl(url, options.allowList);
    const response = await openGet(url, {
      dispatcher: options.dispatcher,
      signal,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    });
    if (redirectStatuses.has(response.statusCode)) {
      await response.drain();
      const location = response.headers.location;
      if (typeof location !== 'string')
        throw new DownloadError('DOWNLOAD_BAD_REDIRECT', `Redirect from ${url.host} without a location`);
      url = new URL(location, url);
      continue;
    }
    return { response, url };
  }
  throw new DownloadError('DOWNLOAD_TOO_MANY_REDIRECTS', `More than ${maxRedirects} redirects`, {
    userMessage: 'The video link kept redirecting, so reelbot gave up.',
  });
}

function httpError(status: number, url: URL): DownloadError {
  const gone = status === 404 || status === 410;
  return new DownloadError(gone ? 'DOWNLOAD_GONE' : 'DOWNLOAD_HTTP', `GET ${url.host} answered ${status}`, {
    retryable: status >= 500 || status === 408 || status === 429,
    userMessage: gone
      ? 'The video is no longer available on Replicate (outputs are deleted after about an hour).'
      : 'The video could not be downloaded from Replicate.',
    context: { status },
  });
}

/** One attempt: stream to a temp file while hashing, counting and sniffing the type. */
async function attempt(options: DownloadOptions, signal: AbortSignal): Promise<DownloadedFile> {
  const { response, url } = await openResponse(options, signal);
  if (response.statusCode !== 200) {
    await response.drain();
    throw httpError(response.statusCode, url);
  }
  const lengthHeader = response.headers['content-length'];
  const expected = typeof lengthHeader === 'string' ? Number(lengthHeader) : undefined;
  if (expected !== undefined && expected > options.maxBytes) {
    response.discard();
    throw tooLarge(options.maxBytes);
  }
  fs.mkdirSync(options.tempDir, { recursive: true });
  if (expected !== undefined) {
    // Refused before it starts: filling the disk to the last byte would fail the database too.
    const free = await (options.freeBytes ?? freeBytesIn)(options.tempDir);
    if (expected > free) {
      response.discard();
      throw noRoomFor(options.tempDir, expected, free);
    }
  }

  const tempPath = path.join(options.tempDir, partFileName(options.owner));
  let file: DownloadFile;
  try {
    file = await (options.openFile ?? ((target) => fs.promises.open(target, 'wx')))(tempPath);
  } catch (error) {
    response.discard();
    throw isDiskFull(error) ? diskFull(tempPath, 0, error) : error;
  }
  const writer = writeOffThread(file.fd);
  let bytes = 0;
  // A copy: the chunks themselves move to the writer thread.
  let sniffed: Buffer | undefined = Buffer.alloc(sniffBytes);
  let type: { ext: string; mime: string } | undefined;
  let progressAt = 0;
  const checkType = async (sample: Buffer) => {
    const found = await fileTypeFromBuffer(sample);
    if (!found || !options.accept.includes(found.ext))
      throw new DownloadError(
        'DOWNLOAD_WRONG_TYPE',
        `Output of ${url.host} is ${found?.mime ?? 'of an unknown type'}, not one of ${options.accept.join(', ')}`,
        { userMessage: 'Replicate returned a file that is not a video, so nothing was saved.' },
      );
    type = found;
  };
  const reading = response.read((chunk) => {
    bytes += chunk.length;
    if (bytes > options.maxBytes) {
      response.discard(tooLarge(options.maxBytes));
      return false;
    }
    if (sniffed) chunk.copy(sniffed, bytes - chunk.length);
    const behind = writer.push(chunk);
    behind?.then(
      () => reading.resume(),
      (error: Error) => response.discard(error),
    );
    if (bytes - progressAt >= progressStepBytes) {
      progressAt = bytes;
      options.onProgress?.(bytes, expected);
    }
    if (!sniffed) return !behind;
    if (bytes < sniffBytes) return !behind;
    // The type is known from the first 4 KB: refuse a wrong file before reading the rest.
    const sample = sniffed;
    sniffed = undefined;
    checkType(sample).then(
      () => {
        if (!behind) reading.resume();
      },
      (error: Error) => response.discard(error),
    );
    return false;
  });
  let written = 0;
  try {
    let sha256: string;
    try {
      await reading.done;
      if (sniffed) await checkType(sniffed.subarray(0, bytes));
      ({ sha256, written } = await writer.finish());
    } catch (error) {
      // Never close the file under a write still running: the descriptor could be reused.
      await writer.drop();
      throw error;
    } finally {
      await file.close();
    }
    signal.throwIfAborted();
    if (written !== bytes) throw diskFull(tempPath, written);
    if (expected !== undefined && bytes !== expected) throw truncated(bytes, expected);
    options.onProgress?.(bytes, expected);
    return { tempPath, bytes, sha256, ext: type!.ext, mime: type!.mime };
  } catch (error) {
    await fs.promises.rm(tempPath, { force: true });
    if (error instanceof DownloadError || signal.aborted) throw error;
    if (error instanceof WriteFailure) {
      if (isDiskFull(error)) throw diskFull(tempPath, error.written, error);
      // Not a full disk (an I/O error, say): retried, as a failed write always was.
      throw new DownloadError('DOWNLOAD_WRITE_FAILED', `Could not write ${tempPath}: ${error.message}`, {
        cause: error,
        retryable: true,
        userMessage: 'The video could not be saved.',
        context: { written: error.written, code: error.code },
      });
    }
    // undici reports a body that ended early (or stalled) as an error of the transfer.
    throw truncated(bytes, expected, error);
  }
}

/** Drops a body we will not read; undici reports the abort as an error nobody needs to see. */
export function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => {});
  body.destroy();
}

function tooLarge(maxBytes: number): DownloadError {
  const mb = Math.round(maxBytes / (1024 * 1024));
  return new DownloadError('DOWNLOAD_TOO_LARGE', `Output is larger than ${maxBytes} bytes`, {
    userMessage: `The video is larger than reelbot's limit of ${mb} MB, so it was not saved.`,
  });
}

function truncated(bytes: number, expected: number | undefined, cause?: unknown): DownloadError {
  return new DownloadError(
    'DOWNLOAD_TRUNCATED',
    `Download ended after ${bytes} of ${expected ?? 'unknown'} bytes`,
    {
      cause,
      retryable: true,
      userMessage: 'The video could not be downloaded completely from Replicate.',
      context: { bytes, expected },
    },
  );
}

function asDownloadError(error: unknown): DownloadError {
  if (error instanceof DownloadError) return error;
  return new DownloadError('DOWNLOAD_NETWORK', `Download failed: ${(error as Error)?.message ?? error}`, {
    cause: error,
    retryable: true,
    userMessage: 'The video could not be downloaded from Replicate.',
  });
}

/**
 * Downloads a prediction output into a temporary file under `tempDir`, verified: allowed hosts only
 * (every redirect hop checked), at most `maxBytes`, magic bytes among `accept`, exactly as long as
 * announced, and hashed with sha256 on the way. Retries after 2, 4 and 8 s when a try may succeed
 * later; a file that failed a check is deleted, never returned. The caller renames it into place.
 */
export async function downloadToTemp(options: DownloadOptions): Promise<DownloadedFile> {
  const delays = options.retryDelaysMs ?? defaultRetryDelaysMs;
  const sleep = options.sleep ?? realSleep;
  const signal = options.signal ?? new AbortController().signal;
  for (let tryNumber = 0; ; tryNumber++) {
    signal.throwIfAborted();
    try {
      return await attempt(options, signal);
    } catch (raw) {
      if (signal.aborted) throw signal.reason ?? raw;
      const error = asDownloadError(raw);
      const delay = delays[tryNumber];
      if (!error.retryable || delay === undefined) throw error;
      options.logger?.warn(
        { code: error.code, attempt: tryNumber + 1, retryInMs: delay, err: error.message },
        'download failed; retrying',
      );
      await sleep(delay);
    }
  }
}
