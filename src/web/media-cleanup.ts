import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  GenerationCursor,
  GenerationFilter,
  GenerationStore,
} from '../core/generations/generation-store.js';
import type { Generation } from '../core/generations/types.js';
import { resolveStoredFile } from './media-files.js';

/** A file under DATA_DIR, named relative to it. */
export interface StoredFile {
  path: string;
  bytes: number;
}

/** What a clean-up removes (or, in a dry run, would remove). */
export interface CleanupPlan {
  failed: { id: string; files: StoredFile[] }[];
  orphans: StoredFile[];
  files: number;
  bytes: number;
}

/**
 * Files younger than this are never orphans: a download renames its file into media/ a moment
 * before the store records it.
 */
export const orphanGraceMs = 60 * 60 * 1000;

/** Where downloads and posters live. */
export function mediaDir(dataDir: string): string {
  return path.resolve(dataDir, 'media');
}

async function walk(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.isFile() ? [full] : [];
    }),
  );
  return nested.flat();
}

/** Every file under DATA_DIR/media with its size and age. */
export async function mediaFiles(dataDir: string): Promise<(StoredFile & { mtimeMs: number })[]> {
  const files = await walk(mediaDir(dataDir));
  const stats = await Promise.all(
    files.map(async (file) => {
      const stat = await fs.stat(file).catch(() => undefined);
      return stat && { path: path.relative(dataDir, file), bytes: stat.size, mtimeMs: stat.mtimeMs };
    }),
  );
  return stats.filter((entry) => entry !== undefined);
}

/** Every generation matching `filter`, page by page, without holding them all at once. */
async function* allGenerations(store: GenerationStore, filter: GenerationFilter): AsyncGenerator<Generation> {
  let cursor: GenerationCursor | undefined;
  do {
    const page = await store.list(filter, { cursor, limit: 200 });
    yield* page.items;
    cursor = page.next;
  } while (cursor);
}

/** The media and poster files a generation owns, as stored paths inside DATA_DIR. */
export function filesOf(generation: Generation): string[] {
  const media = generation.media;
  return media ? [media.path, media.posterPath].filter((file): file is string => Boolean(file)) : [];
}

async function sizeOf(dataDir: string, stored: string): Promise<StoredFile | undefined> {
  const full = resolveStoredFile(dataDir, stored);
  if (!full) return undefined;
  const stat = await fs.stat(full).catch(() => undefined);
  return stat?.isFile() ? { path: path.relative(dataDir, full), bytes: stat.size } : undefined;
}

/** Finds the files of failed generations and the files in media/ no generation refers to. */
export async function planCleanup(
  store: GenerationStore,
  dataDir: string,
  now: number,
): Promise<CleanupPlan> {
  const referenced = new Set<string>();
  for await (const generation of allGenerations(store, {}))
    for (const file of filesOf(generation)) referenced.add(path.normalize(file));

  const failed: CleanupPlan['failed'] = [];
  for await (const generation of allGenerations(store, { status: 'failed' })) {
    const files = (await Promise.all(filesOf(generation).map((file) => sizeOf(dataDir, file)))).filter(
      (file) => file !== undefined,
    );
    if (files.length > 0) failed.push({ id: generation.id, files });
  }

  const orphans = (await mediaFiles(dataDir))
    .filter((file) => !referenced.has(path.normalize(file.path)) && now - file.mtimeMs > orphanGraceMs)
    .map(({ path: file, bytes }) => ({ path: file, bytes }));

  const all = [...failed.flatMap((entry) => entry.files), ...orphans];
  return { failed, orphans, files: all.length, bytes: all.reduce((sum, file) => sum + file.bytes, 0) };
}

/** Deletes what a plan lists and forgets the media of the failed generations in it. */
export async function applyCleanup(
  store: GenerationStore,
  dataDir: string,
  plan: CleanupPlan,
): Promise<void> {
  for (const entry of plan.failed) {
    await store.update(entry.id, { media: null });
    await removeFiles(
      dataDir,
      entry.files.map((file) => file.path),
    );
  }
  // Orphans come from our own walk of media/, not from the store: any name may be there (temp files too).
  const root = mediaDir(dataDir) + path.sep;
  for (const orphan of plan.orphans) {
    const full = path.resolve(dataDir, orphan.path);
    if (full.startsWith(root)) await fs.rm(full, { force: true });
  }
}

/** Removes stored files (paths relative to DATA_DIR); missing ones are fine. */
export async function removeFiles(dataDir: string, stored: string[]): Promise<void> {
  for (const file of stored) {
    const full = resolveStoredFile(dataDir, file);
    if (full) await fs.rm(full, { force: true });
  }
}
