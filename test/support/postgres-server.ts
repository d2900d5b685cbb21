import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, readyWhen } from './server-process.js';

/** Debian's PostgreSQL 15 (the `postgresql` package in the Makefile's DEB_PACKAGES). */
const bin = '/usr/lib/postgresql/15/bin';

/** The password of the `postgres` user on every test server. */
export const postgresTestPassword = 'reelbot-test';
const password = postgresTestPassword;

/** A private PostgreSQL on 127.0.0.1, in its own temp folder. */
export interface PostgresServer {
  port: number;
  /** The URL of the `postgres` database, for administration. */
  url: string;
  /** Creates an empty database and returns its URL: cheap enough for one per test. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

/** Runs a command as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Starts `postgres` on a free loopback port (password logins over TCP), in a fresh `initdb` cluster
 * under a temp folder, and resolves once it accepts connections. Stop it in `afterAll`.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-pg-'));
  const data = path.join(dir, 'data');
  // Logins over TCP need the password, as on a real server, so a wrong one is refused.
  const passwordFile = path.join(dir, 'password');
  fs.writeFileSync(passwordFile, `${password}\n`);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const [initCommand, initArgs] = asPostgres(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${passwordFile}`,
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  execFileSync(initCommand, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [command, args] = asPostgres(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    // A test server: nothing here must survive a crash, so skip the waits for the disk.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await readyWhen(child, 'stderr', 'database system is ready to accept connections', 'postgres');
  child.stdout!.resume();
  child.stderr!.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let databases = 0;
  return {
    port,
    url,
    async createDatabase() {
      const name = `reelbot_test_${++databases}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await admin.end();
      // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for them.
      // runuser passes on only SIGTERM (a smart shutdown, which waits), so signal postgres itself.
      const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGINT');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
