import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenerationStore, DatabaseError, openDatabase } from '../../../../src/core/store/index.js';
import { databaseWithGenerations } from '../../../fixtures/databases/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-database-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
const dataDir = () => path.join(tmp, `data-${++dirs}`);

function refusal(dir: string): DatabaseError {
  try {
    openDatabase(dir).close();
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseError);
    return error as DatabaseError;
  }
  throw new Error('openDatabase accepted the file');
}

describe('openDatabase on a file it cannot use', () => {
  it('names a truncated database and leaves its bytes alone', async () => {
    const dir = dataDir();
    const file = await databaseWithGenerations(dir, 100, { truncate: true });
    const before = fs.readFileSync(file);
    const error = refusal(dir);
    expect(error.code).toBe('DATABASE_CORRUPT');
    expect(error.file).toBe(file);
    expect(error.message).toMatch(/is truncated: \d+ bytes of the \d+ it should hold/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['reelbot.sqlite']);
  });

  it('names a file that is not SQLite at all', () => {
    const dir = path.join(tmp, 'garbage');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'reelbot.sqlite'), Buffer.alloc(8192, 7));
    const error = refusal(dir);
    expect(error.code).toBe('DATABASE_CORRUPT');
    expect(error.message).toContain('is damaged or is not an SQLite database');
    expect(error.message).toContain('Restore it from a backup, or move it away');
  });

  it('names a directory where the file should be', () => {
    const dir = path.join(tmp, 'directory');
    fs.mkdirSync(path.join(dir, 'reelbot.sqlite'), { recursive: true });
    const error = refusal(dir);
    expect(error.code).toBe('DATABASE_NOT_A_FILE');
    expect(error.message).toContain('is a directory');
  });

  it('opens a whole database, and an empty file, as before', async () => {
    const dir = dataDir();
    await databaseWithGenerations(dir, 100);
    const db = openDatabase(dir);
    expect((await createGenerationStore(db).list({})).items.length).toBeGreaterThan(0);
    db.close();
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'reelbot.sqlite'), '');
    openDatabase(empty).close();
  });
});
