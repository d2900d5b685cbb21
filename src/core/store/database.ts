import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { ReelbotError } from '../errors.js';
import { migrate } from './migrations.js';

export type { Database };

/** The database file under a data directory. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'reelbot.sqlite');
}

/**
 * The database file cannot be used as it is: `DATABASE_NOT_A_FILE` (a directory or a device where
 * the file should be) or `DATABASE_CORRUPT` (damaged, truncated, or not SQLite). The message names
 * the file and says what to do; reelbot never deletes or overwrites it.
 */
export class DatabaseError extends ReelbotError {
  constructor(
    code: 'DATABASE_CORRUPT' | 'DATABASE_NOT_A_FILE',
    readonly file: string,
    problem: string,
    cause?: unknown,
  ) {
    const message =
      `The database ${file} ${problem}. reelbot has not changed it. Restore it from a backup, or ` +
      `move it away (with any ${path.basename(file)}-wal and -shm beside it) to start with an empty database.`;
    super(code, message, { cause, userMessage: message, context: { file } });
  }
}

/**
 * `DATA_DIR` cannot hold the data (`DATA_DIR_UNUSABLE`): it is a file, or a folder reelbot may not
 * create or write in. Said in one sentence that names the folder, instead of a stack trace.
 */
export class DataDirError extends ReelbotError {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    const code = (cause as { code?: unknown }).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'it is not a folder'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the disk is read-only'
            : code === 'SQLITE_CANTOPEN'
              ? `SQLite cannot create or open ${path.basename(databaseFile(dataDir))} in it`
              : (cause as Error).message;
    const message = `DATA_DIR ${dataDir} cannot hold reelbot's data (${why}). Set DATA_DIR to a folder reelbot may create and write files in.`;
    super('DATA_DIR_UNUSABLE', message, { cause, userMessage: message, context: { dataDir } });
  }
}

/** SQLite's words for a file it cannot read as a database (extended codes start the same). */
const damagedCodes = ['SQLITE_CORRUPT', 'SQLITE_NOTADB'];

function isDamaged(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && damagedCodes.some((damaged) => code.startsWith(damaged));
}

/**
 * A database file shorter than its header says is truncated: SQLite would open it and fail later,
 * on whichever query first reads a missing page. The header's page count is trusted only when its
 * "valid for" counter matches the change counter, as SQLite itself does.
 */
function truncation(file: string): string | undefined {
  const header = Buffer.alloc(100);
  const fd = fs.openSync(file, 'r');
  let read: number;
  let size: number;
  try {
    read = fs.readSync(fd, header, 0, 100, 0);
    size = fs.fstatSync(fd).size;
  } finally {
    fs.closeSync(fd);
  }
  // Empty is a new database; anything else short of a header is for SQLite to refuse.
  if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return undefined;
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = header.readUInt32BE(28);
  if (pages === 0 || header.readUInt32BE(92) !== header.readUInt32BE(24)) return undefined;
  return size < pages * pageSize
    ? `is truncated: ${size} bytes of the ${pages * pageSize} it should hold`
    : undefined;
}

/** Refuses, with a {@link DatabaseError}, a database path that is there but is not a usable file. */
function checkFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return; // Not there yet: SQLite creates it.
  }
  if (!stat.isFile())
    throw new DatabaseError(
      'DATABASE_NOT_A_FILE',
      file,
      `is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}, not a database file`,
    );
  // A crash mid-checkpoint leaves the file short of its header on purpose: the WAL (or a rollback
  // journal) beside it still holds the pages, and SQLite puts them back on open.
  const pending = ['-wal', '-journal'].some(
    (suffix) => (fs.statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0) > 0,
  );
  const truncated = pending ? undefined : truncation(file);
  if (truncated) throw new DatabaseError('DATABASE_CORRUPT', file, truncated);
}

/**
 * Opens (and creates) the SQLite database under `dataDir`, in WAL mode so the web server reads
 * while workers write, and brings its schema up to date. `:memory:` opens a private database.
 * A damaged, truncated or misplaced database file throws a {@link DatabaseError} and is left as
 * it is.
 */
export function openDatabase(dataDir: string | ':memory:'): Database {
  let file: string = ':memory:';
  if (dataDir !== ':memory:') {
    try {
      fs.mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new DataDirError(dataDir, error);
    }
    file = databaseFile(dataDir);
    checkFile(file);
  }
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file);
    // Two processes (a CLI next to `reelbot start`, or roles started together) may write at once;
    // wait instead of failing, from the first statement on: switching to WAL takes a lock too.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if ((error as { code?: unknown }).code === 'SQLITE_CANTOPEN' && dataDir !== ':memory:')
      throw new DataDirError(dataDir, error);
    if (!isDamaged(error)) throw error;
    throw new DatabaseError(
      'DATABASE_CORRUPT',
      file,
      `is damaged or is not an SQLite database (SQLite says: ${(error as Error).message})`,
      error,
    );
  }
}
