import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ReelbotError } from '../../errors.js';
import { migratePostgres } from './migrations.js';
import type { PostgresSchema } from './schema.js';
import { describeServer } from './server-name.js';

/**
 * The PostgreSQL server behind DATABASE_URL cannot be used: `DATABASE_UNREACHABLE` (nothing
 * answers at its host and port), `DATABASE_AUTH_FAILED` (the user or password is refused) or
 * `DATABASE_MISSING` (the server has no such database). The message names the server without its
 * password and says what to change.
 */
export class DatabaseServerError extends ReelbotError {
  constructor(
    code: 'DATABASE_UNREACHABLE' | 'DATABASE_AUTH_FAILED' | 'DATABASE_MISSING',
    readonly server: string,
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause, userMessage: message, context: { server } });
  }
}

/** Turns pg's connection failures into a {@link DatabaseServerError}; other errors pass through. */
export function connectionError(url: string, error: unknown): unknown {
  const server = describeServer(url);
  const code = (error as { code?: unknown }).code;
  const said = (error as Error).message;
  if (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code)
  )
    return new DatabaseServerError(
      'DATABASE_UNREACHABLE',
      server,
      `No PostgreSQL server answers at ${server} (${said}). Start the server, or fix the host and port in DATABASE_URL.`,
      error,
    );
  if (/timeout/i.test(said))
    return new DatabaseServerError(
      'DATABASE_UNREACHABLE',
      server,
      `The PostgreSQL server at ${server} did not answer in time. Check that it runs and that this machine may reach it.`,
      error,
    );
  // 28P01 invalid_password, 28000 invalid_authorization_specification (pg_hba refuses the user).
  if (code === '28P01' || code === '28000')
    return new DatabaseServerError(
      'DATABASE_AUTH_FAILED',
      server,
      `PostgreSQL at ${server} refused the login (${said}). Fix the user and password in DATABASE_URL, or allow the user in pg_hba.conf.`,
      error,
    );
  if (code === '3D000')
    return new DatabaseServerError(
      'DATABASE_MISSING',
      server,
      `PostgreSQL at ${server} has no such database (${said}). Create it (createdb, or CREATE DATABASE) or fix its name in DATABASE_URL.`,
      error,
    );
  return error;
}

/** pg reads BIGINT and NUMERIC as strings (they may not fit a double); ours are ms times, counts and sums that do. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
    return pg.types.getTypeParser(oid, format);
  },
};

export type PostgresDatabase = Kysely<PostgresSchema>;

/** How to open the PostgreSQL store. */
export interface PostgresOptions {
  /** Connections kept open at most (default 10). */
  maxConnections?: number;
  /** Told about a connection that failed while idle; the next query reconnects. */
  onIdleError?: (error: Error) => void;
}

/**
 * Connects to DATABASE_URL, checks that the server answers, and brings the schema up to date. A
 * server that cannot be reached or refuses the login throws a {@link DatabaseServerError}.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    types,
  });
  // An idle connection the server closed (a restart, a failover) must not crash the process: pg
  // emits it on the pool, and the next query opens a new connection anyway.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<PostgresSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.destroy();
    throw connectionError(url, error);
  }
  return db;
}
