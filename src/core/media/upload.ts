import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type FitResult, fitToSize } from './ffmpeg.js';
import type { MediaStorage } from './storage.js';

/** Re-encodes `input` into `out` at most `limitBytes`; the core's `fitToSize` is the real one. */
export type FitVideo = (
  input: string,
  limitBytes: number,
  out: string,
) => Promise<Pick<FitResult, 'path' | 'bytes'>>;

/**
 * A file ready to upload: the kept video (a local copy of it when storage is remote), or a
 * re-encoded copy; `cleanup` removes whichever of them is a work file.
 */
export interface UploadFile {
  kind: 'file';
  path: string;
  bytes: number;
  mime: string;
  /** True when this is a smaller copy, not the kept original. */
  reencoded: boolean;
  /** Removes the re-encoded or downloaded copy, if any; call it once the upload is done or given up. */
  cleanup(): Promise<void>;
}

/** The video cannot be made to fit: `error` says why (`MEDIA_CANNOT_FIT` when ffmpeg gave up). */
export interface UploadTooBig {
  kind: 'too-big';
  error: unknown;
}

export type PreparedUpload = UploadFile | UploadTooBig;

export interface PrepareUploadOptions {
  /** Where the kept media is read from, and where the re-encoded copy is written. */
  storage: Pick<MediaStorage, 'fetchLocal' | 'tempDir'>;
  /** Names the temp copy, e.g. `g_abc-discord`. */
  label: string;
  fit?: FitVideo;
}

/**
 * Decides how a finished video goes to a chat platform with an upload limit: as it is when it fits,
 * else as a copy re-encoded to fit (H.264, `+faststart`), else not at all (`too-big`, and the bot
 * shows the poster or a gallery link instead).
 */
export async function prepareUpload(
  media: { path: string; bytes: number; mime: string },
  limitBytes: number,
  options: PrepareUploadOptions,
): Promise<PreparedUpload> {
  // Free on disk; from a bucket, ffmpeg and the platform's upload both want a file here.
  const original = await options.storage.fetchLocal(media.path);
  if (media.bytes <= limitBytes) {
    return {
      kind: 'file',
      path: original.path,
      bytes: media.bytes,
      mime: media.mime,
      reencoded: false,
      cleanup: original.release,
    };
  }
  const { tempDir } = options.storage;
  const temp = path.join(tempDir, `${options.label}-${randomBytes(4).toString('hex')}.mp4`);
  const cleanup = () => fs.promises.rm(temp, { force: true });
  try {
    await fs.promises.mkdir(tempDir, { recursive: true });
    const fitted = await (options.fit ?? fitToSize)(original.path, limitBytes, temp);
    return {
      kind: 'file',
      path: fitted.path,
      bytes: fitted.bytes,
      mime: 'video/mp4',
      reencoded: true,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    return { kind: 'too-big', error };
  } finally {
    await original.release();
  }
}
