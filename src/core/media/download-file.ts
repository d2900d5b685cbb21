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
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await file.writev(rest);
    if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'ENOSPC' });
    onWritten(bytesWritten);
    let skip = bytesWritten;
    while (skip > 0 && rest.length > 0) {
      const head = rest[0]!;
      if (head.length <= skip) {
        skip -= head.length;
        rest = rest.slice(1);
      } else {
        rest = [head.subarray(skip), ...rest.slice(1)];
        skip = 0;
      }
    }
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
