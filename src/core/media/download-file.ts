import fs from 'node:fs/promises';
import path from 'node:path';
import { DownloadError } from '../errors.js';

/** What a download writes to: an open file, written by the writer thread through its descriptor. */
export interface DownloadFile {
  /** The descriptor the writer thread writes at (its position moves on with every write). */
  readonly fd: number;
  close(): Promise<void>;
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
