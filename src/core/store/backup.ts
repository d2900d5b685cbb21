import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ReelbotError } from '../errors.js';

/** What a backup wrote. */
export interface BackupResult {
  /** The backup file, as an absolute path. */
  file: string;
  bytes: number;
  /** Generations in the copy: a quick way to see it holds what it should. */
  generations: number;
}

function backupError(code: `BACKUP_${string}`, message: string, cause?: unknown): ReelbotError {
  return new ReelbotError(code, message, { cause, userMessage: message });
}

/** Whether two paths name one file (hard links and symlinks included); false when either is missing. */
function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [fs.statSync(a), fs.statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

/**
 * Copies the SQLite database `source` to `target` with SQLite's online backup API, while other
 * processes (a running `reelbot start`) keep reading and writing it. The copy is one consistent
 * snapshot, what still sits in the WAL included, which copying the file would miss. It is written
 * next to `target` under a temporary name, checked (`quick_check`), made a single self-contained
 * file (no WAL), and renamed into place: `target` is never half a backup. An existing `target` is
 * replaced only with `overwrite`; the live database itself never.
 */
export async function backupDatabase(
  source: string,
  target: string,
  options: { overwrite?: boolean } = {},
): Promise<BackupResult> {
  const file = path.resolve(target);
  if (!fs.existsSync(source))
    throw backupError('BACKUP_NO_DATABASE', `There is no database at ${source} to back up (check DATA_DIR).`);
  const live = path.resolve(source);
  if (sameFile(source, file) || ['-wal', '-shm', '-journal'].some((suffix) => file === live + suffix))
    throw backupError('BACKUP_SAME_FILE', `${file} is the live database; back it up to another file.`);
  if (fs.existsSync(file) && !options.overwrite)
    throw backupError(
      'BACKUP_EXISTS',
      `${file} already exists; choose another name, or pass --force to replace it.`,
    );
  if (!fs.existsSync(path.dirname(file)))
    throw backupError('BACKUP_NO_DIRECTORY', `The directory ${path.dirname(file)} does not exist.`);

  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    // A writer holding the lock for a moment makes us wait, not fail.
    db.pragma('busy_timeout = 5000');
    // All pages in one step, under one read transaction: a step-wise copy starts over whenever
    // another process writes between steps, and a busy bot writes all the time.
    await db.backup(temp, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw backupError('BACKUP_FAILED', `Backing up ${source} failed: ${(error as Error).message}`, error);
  } finally {
    db.close();
  }

  let generations: number;
  try {
    const copy = new BetterSqlite3(temp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`quick_check said: ${String(check)}`);
      generations = (copy.prepare('SELECT count(*) AS n FROM generations').get() as { n: number }).n;
    } finally {
      copy.close();
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw backupError(
      'BACKUP_FAILED',
      `The backup of ${source} did not check out: ${(error as Error).message}`,
      error,
    );
  }
  return { file, bytes: fs.statSync(file).size, generations };
}
