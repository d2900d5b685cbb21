import fs from 'node:fs/promises';
import path from 'node:path';
import { DownloadError } from '../errors.js';

/** What a download writes to: the part of a `FileHandle` it uses. */
export interface DownloadFile {
  /** Writes at the current position; may take fewer bytes than given (a short write). */
  writev(buffers: Buffer[]): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

/**
 * Writes every byte of `buffers`. A write may take only part of what it was given (a file size
 * limit, a disk filling up); the rest is written again, which then fails with the reason.
 */
export async function writeFully(
  file: DownloadFile,
  buffers: Buffer[],
  onWritten: (bytes: number) => void,
): Promise<void> {
  // Empty buffers are dropped: a write of nothing but them would look like a full disk.
  let rest = buffers.filter((buffer) => buffer.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await file.writev(rest);
    if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'ENOSPC' });
    onWritten(bytesWritten);
    let done = 0;
    let skip = bytesWritten;
    while (done < rest.length && rest[done]!.length <= skip) skip -= rest[done++]!.length;
    rest = rest.slice(done);
    if (skip > 0) rest[0] = rest[0]!.subarray(skip);
  }
}

/** No room left: the disk or the quota is full, or the file hit the process's size limit. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT';
}

export function diskFull(tempPath: string, written: number, cause?: unknown): DownloadError {
  return new DownloadError(
    'DOWNLOAD_DISK_FULL',
    `No space left to save the download in ${path.dirname(tempPath)} after ${written} bytes`,
    {
      cause,
      userMessage: 'The server ran out of disk space while saving the video, so it was not kept.',
      context: { written, code: (cause as NodeJS.ErrnoException | undefined)?.code },
    },
  );
}

/** Bytes free for an unprivileged writer in `dir` (fs.statfs). */
export async function freeBytesIn(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return stats.bavail * stats.bsize;
}

/** A download announced as larger than the room left: refused before a byte is written. */
export function noRoomFor(dir: string, expected: number, free: number): DownloadError {
  return new DownloadError('DOWNLOAD_DISK_FULL', `${expected} bytes announced, ${free} free in ${dir}`, {
    userMessage: 'The server ran out of disk space while saving the video, so it was not kept.',
    context: { expected, free },
  });
}

/** Writes a download's chunks in order while more arrive; see {@link createFileWriter}. */
export interface FileWriter {
  /** Queues a chunk; false when enough is queued that reading should pause until `onDrain`. */
  push(chunk: Buffer): boolean;
  /** Resolves once every queued byte is written; rejects with the write's error (ENOSPC, EFBIG). */
  finish(): Promise<void>;
}

export interface FileWriterOptions {
  /** Bytes written so far, after each write. */
  onWritten(total: number): void;
  /**
   * Every byte of `batch` is written, in order after the batches before it: the chunks are the
   * callee's from now on (the hasher moves them to its thread). A promise holds the next write back
   * until it settles, so a consumer that falls behind slows reading through the same queue limit;
   * one that rejects fails the writer.
   */
  onBatchWritten?(batch: Buffer[]): Promise<void> | undefined;
  /** The queue fell below its limit: reading may go on. */
  onDrain(): void;
  /** A write failed: nothing more will be written. */
  onError(error: unknown): void;
}

/** Queued bytes past which reading pauses: the disk is slower than the network for now. */
const maxQueuedBytes = 8 * 1024 * 1024;

/**
 * One write at a time, in order, each taking everything that arrived while the previous one ran:
 * the network is read while the disk writes, and a slow disk gets larger (fewer) writes.
 */
export function createFileWriter(file: DownloadFile, options: FileWriterOptions): FileWriter {
  let queue: Buffer[] = [];
  let queuedBytes = 0;
  let written = 0;
  let writing: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  let paused = false;

  const writeQueued = () => {
    if (writing || failure || queuedBytes === 0) return;
    const batch = queue;
    queue = [];
    queuedBytes = 0;
    writing = writeFully(file, batch, (n) => {
      written += n;
      options.onWritten(written);
    })
      .then(() => options.onBatchWritten?.(batch))
      .then(
        () => {
          writing = undefined;
          if (paused) {
            paused = false;
            options.onDrain();
          }
          writeQueued();
        },
        (error: unknown) => {
          writing = undefined;
          failure = { error };
          options.onError(error);
        },
      );
  };

  return {
    push(chunk) {
      if (failure) return false;
      queue.push(chunk);
      queuedBytes += chunk.length;
      writeQueued();
      if (queuedBytes >= maxQueuedBytes) paused = true;
      return !paused;
    },
    async finish() {
      while (writing) {
        await writing;
        if (failure) throw failure.error;
      }
      if (failure) throw failure.error;
    },
  };
}
