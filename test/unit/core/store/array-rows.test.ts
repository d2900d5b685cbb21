import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { allAsObjects } from '../../../../src/core/store/array-rows.js';

describe('allAsObjects', () => {
  const db = new BetterSqlite3(':memory:');
  afterEach(() => {
    db.exec('DROP TABLE IF EXISTS clips');
  });

  it('builds each row with its own statement’s columns, and leaves the statement as it was', () => {
    db.exec("CREATE TABLE clips (id TEXT, seconds INTEGER); INSERT INTO clips VALUES ('a', 4), ('b', 7)");
    const all = db.prepare('SELECT * FROM clips ORDER BY id');
    const renamed = db.prepare('SELECT seconds AS length, id AS name FROM clips ORDER BY id');
    expect(allAsObjects(all, [])).toEqual([
      { id: 'a', seconds: 4 },
      { id: 'b', seconds: 7 },
    ]);
    expect(allAsObjects(renamed, [])).toEqual([
      { length: 4, name: 'a' },
      { length: 7, name: 'b' },
    ]);
    // Read again: the kept builders still belong to their statements.
    expect(allAsObjects(all, [])[1]).toEqual({ id: 'b', seconds: 7 });
    expect(allAsObjects(renamed, [])[0]).toEqual({ length: 4, name: 'a' });
    expect(all.get()).toEqual({ id: 'a', seconds: 4 });
  });

  it('keeps reading the right values after a migration appends a column', () => {
    db.exec("CREATE TABLE clips (id TEXT, seconds INTEGER); INSERT INTO clips VALUES ('a', 4)");
    const all = db.prepare('SELECT * FROM clips');
    expect(allAsObjects(all, [])).toEqual([{ id: 'a', seconds: 4 }]);
    db.exec("ALTER TABLE clips ADD COLUMN model TEXT; UPDATE clips SET model = 'wan'");
    const [row] = allAsObjects<Record<string, unknown>>(all, []);
    expect(row).toMatchObject({ id: 'a', seconds: 4 });
    // A statement prepared after the migration sees the new column.
    expect(allAsObjects(db.prepare('SELECT * FROM clips'), [])).toEqual([
      { id: 'a', seconds: 4, model: 'wan' },
    ]);
  });
});
