import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MediaError } from '../errors.js';

/** Size and age of one stored object. */
export interface MediaStat {
  bytes: number;
  modifiedMs: number;
}

/** One object under a prefix, as {@link MediaStorage.list} yields it. */
export interface StoredObject extends MediaStat {
  key: string;
}

/** A file on this machine holding a stored object; `release` removes it when it was a download. */
export interface LocalCopy {
  path: string;
  release(): Promise<void>;
}

/** Inclusive byte offsets, as in an HTTP Range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where finished media lives. Keys are paths such as `media/g_abc.mp4`, which is what
 * `StoredMedia.path` holds (relative to DATA_DIR on the local disk, object keys in a bucket).
 * Every read is asynchronous because the object may be remote: `fetchLocal` gives ffmpeg and the
 * chat uploads a file, `stat` + `open` stream it (with a range) to the gallery.
 */
export interface MediaStorage {
  /** A directory on this machine for work files (downloads in progress, re-encodes, local copies). */
  readonly tempDir: string;
  /**
   * Moves a finished work file to `key`: readers see the old state or the whole file. The work file
   * is gone afterwards; when this throws it may still be there, for the caller to remove.
   */
  commit(tempPath: string, key: string): Promise<void>;
  /** A local file with the object's bytes (free on disk, a download into `tempDir` when remote). */
  fetchLocal(key: string): Promise<LocalCopy>;
  /** Size and age, or undefined when there is no such object. */
  stat(key: string): Promise<MediaStat | undefined>;
  /** The object's bytes (`range` inclusive), or undefined when there is no such object. */
  open(key: string, range?: ByteRange): Promise<Readable | undefined>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; a missing one is fine. */
  remove(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (e.g. `media/`), for clean-up and stats. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Where a person finds the object: a path on disk, or an `s3://bucket/key` URL. */
  describe(key: string): string;
  /**
   * Throws (with a code) when the storage cannot be used: for a bucket, that it is missing, refused
   * or unreachable. Absent for the local disk, whose free space `/healthz` checks on its own.
   */
  check?(): Promise<void>;
  /** Lets go of connections (a bucket's keep-alive sockets); absent when there is nothing to close. */
  close?(): Promise<void>;
}

/** Runs `fn` on a local copy of `key` and releases the copy afterwards, whatever `fn` did. */
export async function withLocalFile<T>(
  storage: Pick<MediaStorage, 'fetchLocal'>,
  key: string,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const copy = await storage.fetchLocal(key);
  try {
    return await fn(copy.path);
  } finally {
    await copy.release();
  }
}

/** A fresh name in `tempDir` for a local copy of `key`, keeping its extension (ffmpeg reads it). */
export function localCopyName(tempDir: string, key: string): string {
  return path.join(tempDir, `fetch-${randomBytes(6).toString('hex')}${path.extname(key)}`);
}

/** The error of a key that is not a plain relative name (a corrupt row must reach nothing else). */
export function badKey(key: string): MediaError {
  return new MediaError('MEDIA_KEY_INVALID', `media key is not a relative name inside the storage: ${key}`);
}

/** The error of an object that is not there. */
export function missingObject(key: string, cause?: unknown): MediaError {
  return new MediaError('MEDIA_NOT_FOUND', `no stored media at ${key}`, {
    cause,
    userMessage: 'The video file is gone from storage.',
  });
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/** Media on the local disk under `dataDir` (`media/` for results, `tmp/` for work files). */
export function createLocalMediaStorage(dataDir: string): MediaStorage {
  const root = path.resolve(dataDir);
  const tempDir = path.join(root, 'tmp');
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (key.includes('\0') || path.isAbsolute(key) || !full.startsWith(root + path.sep)) throw badKey(key);
    return full;
  };
  const statOf = async (key: string): Promise<MediaStat | undefined> => {
    const stat = await fs.promises.stat(resolve(key)).catch(() => undefined);
    return stat?.isFile() ? { bytes: stat.size, modifiedMs: stat.mtimeMs } : undefined;
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
    async fetchLocal(key) {
      // The kept file is the local copy: nothing to download, nothing to remove afterwards.
      const file = resolve(key);
      await fs.promises.access(file).catch((error: unknown) => {
        throw missingObject(key, error);
      });
      return { path: file, release: async () => {} };
    },
    stat: statOf,
    async open(key, range) {
      // Opened before answering, so a file removed meanwhile is "not found", not a broken stream.
      const handle = await fs.promises.open(resolve(key), 'r').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'EISDIR') return undefined;
        throw error;
      });
      return handle?.createReadStream({ ...range, autoClose: true });
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
    async *list(prefix) {
      // The walk starts at the prefix's folder and filters by the whole prefix, as a bucket would.
      const folder = path.resolve(root, prefix.endsWith('/') ? prefix : path.dirname(prefix));
      if (folder !== root && !folder.startsWith(root + path.sep)) throw badKey(prefix);
      for await (const file of walk(folder)) {
        const key = path.relative(root, file).split(path.sep).join('/');
        if (!key.startsWith(prefix)) continue;
        const stat = await statOf(key);
        if (stat) yield { key, ...stat };
      }
    },
    describe: resolve,
  };
}
