import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const partFile = /^download-(.+)-([0-9a-f]{16})\.part$/;

/**
 * The name of a download in progress: `download-<owner>-<random>.part`. The owner is the process's
 * claim id, so the leftovers of a process that died can be told from the files of one still running.
 */
export function partFileName(owner = 'anonymous'): string {
  return `download-${owner}-${randomBytes(8).toString('hex')}.part`;
}

/** A `.part` file in a temp directory, with who wrote it (undefined for an unnamed one) and when. */
export interface PartFile {
  path: string;
  owner?: string;
  modifiedMs: number;
}

/** Every `.part` file in `tempDir`; none when the directory does not exist yet. */
export async function listPartFiles(tempDir: string): Promise<PartFile[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(tempDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: PartFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.part'))) {
    const file = path.join(tempDir, name);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (stat?.isFile()) found.push({ path: file, owner: partFile.exec(name)?.[1], modifiedMs: stat.mtimeMs });
  }
  return found;
}

/** Deletes the `.part` files `abandoned` picks; returns their paths. */
export async function removePartFiles(
  tempDir: string,
  abandoned: (file: PartFile) => boolean,
): Promise<string[]> {
  const removed: string[] = [];
  for (const file of await listPartFiles(tempDir)) {
    if (!abandoned(file)) continue;
    await fs.promises.rm(file.path, { force: true });
    removed.push(file.path);
  }
  return removed;
}
