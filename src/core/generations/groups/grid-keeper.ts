import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePoster, probe } from '../../media/ffmpeg.js';
import { composeGrid, type GridOptions } from '../../media/grid.js';
import type { LocalCopy, MediaStorage } from '../../media/storage.js';
import type { Generation, StoredMedia } from '../types.js';

/** What a grid is made with. */
export interface GridKeeperDeps {
  storage: MediaStorage;
  grid?: GridOptions;
}

/** The words on a member's tile: the model for a compare, the seed too for a batch. */
export function tileLabel(member: Generation, withSeed: boolean): string {
  const name = member.model;
  return withSeed && member.seed !== undefined ? `${name} · seed ${member.seed}` : name;
}

/**
 * Composes the members' kept videos into one grid and keeps it (with a poster) as
 * `media/<groupId>.mp4`. Members are read through `fetchLocal`, so a bucket works as the disk does.
 */
export async function keepGrid(
  deps: GridKeeperDeps,
  groupId: string,
  members: Generation[],
  withSeed: boolean,
): Promise<StoredMedia> {
  const copies: LocalCopy[] = [];
  const out = path.join(deps.storage.tempDir, `${groupId}.grid.mp4`);
  const posterTemp = path.join(deps.storage.tempDir, `${groupId}.grid.poster.jpg`);
  await fs.promises.mkdir(deps.storage.tempDir, { recursive: true });
  try {
    for (const member of members) copies.push(await deps.storage.fetchLocal(member.media!.path));
    await composeGrid(
      members.map((member, i) => ({ file: copies[i]!.path, label: tileLabel(member, withSeed) })),
      out,
      deps.grid,
    );
    const info = await probe(out, deps.grid);
    const sha256 = createHash('sha256')
      .update(await fs.promises.readFile(out))
      .digest('hex');
    const posterOk = await makePoster(out, posterTemp, { durationSeconds: info.durationSeconds }).then(
      () => true,
      () => false,
    );
    const key = `media/${groupId}.mp4`;
    await deps.storage.commit(out, key);
    const posterKey = posterOk ? `media/${groupId}.poster.jpg` : undefined;
    if (posterKey) await deps.storage.commit(posterTemp, posterKey);
    return {
      path: key,
      sha256,
      bytes: info.bytes,
      mime: 'video/mp4',
      width: info.width,
      height: info.height,
      durationSeconds: info.durationSeconds,
      ...(posterKey ? { posterPath: posterKey } : {}),
    };
  } finally {
    await Promise.all(copies.map((copy) => copy.release()));
    await fs.promises.rm(out, { force: true });
    await fs.promises.rm(posterTemp, { force: true });
  }
}
