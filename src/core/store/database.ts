import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrations.js';

export type { Database };

/** The database file under a data directory. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'reelbot.sqlite');
}

/**
 * Opens (and creates) the SQLite database under `dataDir`, in WAL mode so the web server reads
 * while workers write, and brings its schema up to date. `:memory:` opens a private database.
 */
export function openDatabase(dataDir: string | ':memory:'): Database {
  let file: string = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true });
    file = databaseFile(dataDir);
  }
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Two processes (a CLI next to `reelbot start`) may write at once; wait instead of failing.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
