import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll } from 'vitest';
import { databaseFile } from '../../src/core/store/database.js';
import { openPostgresStore } from '../../src/core/store/postgres/index.js';
import { openSqliteStore, type Store } from '../../src/core/store/store.js';
import { type PostgresServer, startPostgresServer } from './postgres-server.js';

/**
 * One engine the store contract suite runs on. `fresh()` makes an empty database and returns where
 * it is (a data folder, or a database URL); `open()` opens a store on it, as a process does, so two
 * opens of one place are two processes sharing a database.
 */
export interface StoreEngine {
  name: 'sqlite' | 'postgres';
  fresh(): Promise<string>;
  open(place: string, clock?: () => number): Promise<Store>;
  /** Runs one SQL statement on the database at `place` outside the store, for a test to look inside. */
  inspect(place: string, sqlText: string): Promise<Record<string, unknown>[]>;
  /** The plan the engine picks for `sqlText`, as text; PostgreSQL's is asked with sequential scans off, as a table of thousands of rows would have them. */
  plan(place: string, sqlText: string): Promise<string>;
}

/**
 * The two engines behind the store's ports, for `describe.each(storeEngines())`. Calling it
 * registers an `afterAll` that closes every store opened and stops the private PostgreSQL (one per
 * test file, started on first use) and removes the temp folders.
 */
export function storeEngines(): StoreEngine[] {
  const opened: Store[] = [];
  const folders: string[] = [];
  let server: Promise<PostgresServer> | undefined;
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
    await (await server)?.stop();
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });
  const track = (store: Store) => {
    opened.push(store);
    return store;
  };
  return [
    {
      name: 'sqlite',
      async fresh() {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-contract-'));
        folders.push(folder);
        return folder;
      },
      async open(place, clock) {
        return track(openSqliteStore(place, clock));
      },
      async inspect(place, sqlText) {
        const db = new BetterSqlite3(databaseFile(place));
        try {
          return db.prepare(sqlText).all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      },
      async plan(place, sqlText) {
        const rows = await this.inspect(place, `EXPLAIN QUERY PLAN ${sqlText}`);
        return rows.map((row) => String(row.detail)).join('\n');
      },
    },
    {
      name: 'postgres',
      async fresh() {
        server ??= startPostgresServer();
        return (await server).createDatabase();
      },
      async open(place, clock) {
        return track(await openPostgresStore(place, { clock, maxConnections: 4 }));
      },
      async inspect(place, sqlText) {
        const client = new pg.Client({ connectionString: place });
        await client.connect();
        try {
          return (await client.query(sqlText)).rows;
        } finally {
          await client.end();
        }
      },
      async plan(place, sqlText) {
        const client = new pg.Client({ connectionString: place });
        await client.connect();
        try {
          await client.query('SET enable_seqscan = off');
          const { rows } = await client.query(`EXPLAIN ${sqlText}`);
          return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
        } finally {
          await client.end();
        }
      },
    },
  ];
}

/** An empty store on `engine`. */
export async function freshStore(engine: StoreEngine, clock?: () => number): Promise<Store> {
  return engine.open(await engine.fresh(), clock);
}
