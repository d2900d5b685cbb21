import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where finished media lives. Keys are paths relative to DATA_DIR such as `media/g_abc.mp4`, which
 * is what `StoredMedia.path` holds. Local disk today; an S3-compatible store implements the same
 * interface later (docs/architecture.md, "Growing past one machine").
 */
export interface MediaStorage {
  /** A directory for work files (downloads in progress, re-encodes); on the same disk as the media. */
  readonly tempDir: string;
  /** Moves a finished work file to `key`, atomically: readers see the old state or the whole file. */
  commit(tempPath: string, key: string): Promise<void>;
  /** A local path to read `key` from (ffmpeg needs a file). */
  localPath(key: string): string;
  createReadStream(key: string, range?: { start: number; end?: number }): Readable;
  exists(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

/** Media on the local disk under `dataDir` (`media/` for results, `tmp/` for work files). */
export function createLocalMediaStorage(dataDir: string): MediaStorage {
  const root = path.resolve(dataDir);
  const tempDir = path.join(root, 'tmp');
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!full.startsWith(root + path.sep)) throw new Error(`media key escapes DATA_DIR: ${key}`);
    return full;
  };
  return {
    tempDir,
    async commit(tempPath, key) {
      const target = resolve(key);
      // The directory is nearly always there: create it only when the rename says it is not, rather
      // than walking the path with mkdir for every file.
      try {
        await fs.promises.rename(tempPath, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync(tempPath)) throw error;
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        await fs.promises.rename(tempPath, target);
      }
    },
    localPath: resolve,
    createReadStream(key, range) {
      return fs.createReadStream(resolve(key), range);
    },
    async exists(key) {
      return fs.promises.access(resolve(key)).then(
        () => true,
        () => false,
      );
    },
    async remove(key) {
      await fs.promises.rm(resolve(key), { force: true });
    },
  };
}
