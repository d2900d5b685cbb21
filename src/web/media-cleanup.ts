import path from 'node:path';
import type {
  GenerationCursor,
  GenerationFilter,
  GenerationStore,
} from '../core/generations/generation-store.js';
import type { Generation } from '../core/generations/types.js';
import { servableKey } from './media-files.js';
import type { WebMedia } from './types.js';

/** A stored file, named by its key (relative to DATA_DIR on disk). */
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

/** Where downloads and posters live: the key prefix in the media storage. */
export const mediaPrefix = 'media/';

/** Every file under media/ with its size and age. */
export async function mediaFiles(media: WebMedia): Promise<(StoredFile & { mtimeMs: number })[]> {
  const files: (StoredFile & { mtimeMs: number })[] = [];
  for await (const object of media.list(mediaPrefix))
    files.push({ path: object.key, bytes: object.bytes, mtimeMs: object.modifiedMs });
  return files;
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

async function sizeOf(media: WebMedia, stored: string): Promise<StoredFile | undefined> {
  const key = servableKey(stored);
  const stat = key ? await media.stat(key).catch(() => undefined) : undefined;
  return key && stat ? { path: key, bytes: stat.bytes } : undefined;
}

/** Finds the files of failed generations and the files in media/ no generation refers to. */
export async function planCleanup(
  store: GenerationStore,
  media: WebMedia,
  now: number,
): Promise<CleanupPlan> {
  const referenced = new Set<string>();
  for await (const generation of allGenerations(store, {}))
    for (const file of filesOf(generation)) referenced.add(path.posix.normalize(file));

  const failed: CleanupPlan['failed'] = [];
  for await (const generation of allGenerations(store, { status: 'failed' })) {
    const files = (await Promise.all(filesOf(generation).map((file) => sizeOf(media, file)))).filter(
      (file) => file !== undefined,
    );
    if (files.length > 0) failed.push({ id: generation.id, files });
  }

  // A group's grid (compare, batch) is kept by its group, not by a generation: `media/grp_*`.
  const orphans = (await mediaFiles(media))
    .filter(
      (file) =>
        !referenced.has(path.posix.normalize(file.path)) &&
        !path.posix.basename(file.path).startsWith('grp_') &&
        now - file.mtimeMs > orphanGraceMs,
    )
    .map(({ path: file, bytes }) => ({ path: file, bytes }));

  const all = [...failed.flatMap((entry) => entry.files), ...orphans];
  return { failed, orphans, files: all.length, bytes: all.reduce((sum, file) => sum + file.bytes, 0) };
}

/** Deletes what a plan lists and forgets the media of the failed generations in it. */
export async function applyCleanup(
  store: GenerationStore,
  media: WebMedia,
  plan: CleanupPlan,
): Promise<void> {
  for (const entry of plan.failed) {
    await store.update(entry.id, { media: null });
    await removeFiles(
      media,
      entry.files.map((file) => file.path),
    );
  }
  // Orphans come from our own listing of media/, not from the store: any name may be there (temp files too).
  for (const orphan of plan.orphans)
    if (orphan.path.startsWith(mediaPrefix) && !orphan.path.split('/').includes('..'))
      await media.remove(orphan.path);
}

/** Removes stored files (keys as the store recorded them); missing ones are fine. */
export async function removeFiles(media: WebMedia, stored: string[]): Promise<void> {
  for (const file of stored) {
    const key = servableKey(file);
    if (key) await media.remove(key);
  }
}
