import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepares each distinct SQL text once per connection. Queries built from filters or patches come
 * in a few dozen shapes, and parsing and planning one costs about as much as running it.
 */
export function createStatementCache(db: Database) {
  const statements = new Map<string, Statement<unknown[]>>();
  return function prepared<Params extends unknown[] | Record<string, unknown> = unknown[], Row = unknown>(
    sql: string,
  ): ReturnType<typeof db.prepare<Params, Row>> {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as ReturnType<typeof db.prepare<Params, Row>>;
  };
}

export type StatementCache = ReturnType<typeof createStatementCache>;
