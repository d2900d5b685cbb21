import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FileError } from './errors.js';

/** Bytes read per call: small enough that a file far over its cap costs little before we stop. */
const chunkBytes = 64 * 1024;

/** "1 MB", "2.5 MB", "512 KB": how a cap reads in a sentence. */
export function formatCap(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

function unreadable(file: string, what: string, error: unknown): FileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'there is no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (error as Error).message;
  return new FileError('FILE_UNREADABLE', `reelbot cannot read the ${what} ${file}: ${reason}.`, {
    cause: error,
    context: { file, errno: code },
  });
}

/**
 * Reads a file a user named, but never more than `maxBytes` of it: it stops at `maxBytes + 1`, so
 * /dev/zero, an endless FIFO or a huge file cost at most that much memory. `what` names the file in
 * the message ("scene file"), `hint` says what belongs there instead. Throws {@link FileError}:
 * `FILE_TOO_LARGE` over the cap, `FILE_UNREADABLE` when missing, a directory or not permitted.
 */
export async function readFileCapped(
  file: string,
  maxBytes: number,
  what: string,
  hint?: string,
): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    throw unreadable(file, what, error);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(chunkBytes, maxBytes + 1 - total);
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(want), 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes)
        throw new FileError(
          'FILE_TOO_LARGE',
          `The ${what} ${file} is over ${formatCap(maxBytes)}${hint ? `; ${hint}` : ''}.`,
          { context: { file, maxBytes } },
        );
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw unreadable(file, what, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
