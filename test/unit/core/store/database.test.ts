import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../../../src/core/store/database.js';
import {
  createGenerationStore,
  DatabaseError,
  migrate,
  migrations,
  openDatabase,
} from '../../../../src/core/store/index.js';
import { DatabaseServerError, openPostgresStore } from '../../../../src/core/store/postgres/index.js';
import { databaseWithGenerations } from '../../../fixtures/databases/index.js';
import {
  type PostgresServer,
  postgresTestPassword,
  startPostgresServer,
} from '../../../support/postgres-server.js';

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

describe('openDatabase from processes started together on a new DATA_DIR', () => {
  it('migrates it once: every process opens it, and each migration is recorded once', async () => {
    const dir = dataDir();
    fs.mkdirSync(dir);
    // The test makes the migrations' own table, then holds the write lock until the processes are
    // about to open the file: each then reads what was applied while another may be applying it.
    const holder = new BetterSqlite3(databaseFile(dir));
    holder.pragma('journal_mode = WAL');
    migrate(holder, []);
    holder.exec('BEGIN IMMEDIATE');
    const script = path.join(import.meta.dirname, 'open-database-child.ts');
    const children = Array.from({ length: 2 }, () =>
      spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    const outcomes = children.map((child) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      return {
        opening: once(child.stdout, 'data'),
        exit: new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
          child.on('exit', (code) => resolve({ code, stdout, stderr })),
        ),
      };
    });
    await Promise.all(outcomes.map((outcome) => outcome.opening));
    holder.exec('COMMIT');
    holder.close();
    const exits = await Promise.all(outcomes.map((outcome) => outcome.exit));
    const all = migrations.map((migration) => migration.version).sort((a, b) => a - b);
    for (const exit of exits) {
      expect(exit.stderr).toBe('');
      expect(exit.code).toBe(0);
      expect(JSON.parse(exit.stdout.trim().split('\n').at(-1)!)).toEqual(all);
    }
  });
});

describe('openPostgresStore on a server it cannot use', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(() => server.stop());

  async function refusal(url: string): Promise<DatabaseServerError> {
    try {
      await (await openPostgresStore(url)).close();
    } catch (error) {
      expect(error).toBeInstanceOf(DatabaseServerError);
      return error as DatabaseServerError;
    }
    throw new Error('openPostgresStore accepted the server');
  }

  it('says nothing answers at a port with no server, and how to fix it', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await refusal(`postgres://reelbot:hunter2@127.0.0.1:${port}/reelbot`);
    expect(error.code).toBe('DATABASE_UNREACHABLE');
    expect(error.message).toContain(
      `No PostgreSQL server answers at postgres://reelbot:***@127.0.0.1:${port}/reelbot`,
    );
    expect(error.message).toContain('fix the host and port in DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('says the login was refused for a wrong password, without repeating it', async () => {
    const url = (await server.createDatabase()).replace(postgresTestPassword, 'wrong-password');
    const error = await refusal(url);
    expect(error.code).toBe('DATABASE_AUTH_FAILED');
    expect(error.message).toContain('refused the login');
    expect(error.message).toContain('Fix the user and password in DATABASE_URL');
    expect(error.message).not.toContain('wrong-password');
  });

  it('says the database does not exist, and how to create it', async () => {
    const url = `postgres://postgres:${postgresTestPassword}@127.0.0.1:${server.port}/no_such_database`;
    const error = await refusal(url);
    expect(error.code).toBe('DATABASE_MISSING');
    expect(error.message).toContain('Create it (createdb, or CREATE DATABASE)');
  });

  it('opens an empty database, and two processes opening it at once migrate it once', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    await stores[0].generations.insert({
      source: 'replicate',
      requester: { platform: 'cli', userId: 'me' },
      model: 'a/b',
      input: {},
    });
    expect((await stores[1].generations.list()).items).toHaveLength(1);
    await Promise.all(stores.map((store) => store.close()));
  });
});
