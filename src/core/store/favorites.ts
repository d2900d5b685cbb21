import type { Database } from 'better-sqlite3';
import type { Fan, FavoriteStore } from '../generations/favorites.js';

/** Favorites on SQLite: one row per (platform, user, generation), removed with their generation. */
export function createFavorites(db: Database, clock: () => number = Date.now): FavoriteStore {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO favorites (platform, user_id, generation_id, created_at) VALUES (?, ?, ?, ?)',
  );
  const remove = db.prepare('DELETE FROM favorites WHERE platform = ? AND user_id = ? AND generation_id = ?');
  const exists = db.prepare(
    'SELECT 1 FROM favorites WHERE platform = ? AND user_id = ? AND generation_id = ?',
  );
  const set = (fan: Fan, generationId: string, favorite: boolean) => {
    if (favorite) insert.run(fan.platform, fan.userId, generationId, clock());
    else remove.run(fan.platform, fan.userId, generationId);
    return favorite;
  };
  // SQLite writes one at a time: the delete and the insert cannot interleave with another toggle.
  const toggle = db.transaction((fan: Fan, generationId: string) => {
    if (remove.run(fan.platform, fan.userId, generationId).changes > 0) return false;
    insert.run(fan.platform, fan.userId, generationId, clock());
    return true;
  });
  return {
    async set(fan, generationId, favorite) {
      return set(fan, generationId, favorite);
    },
    async toggle(fan, generationId) {
      return toggle(fan, generationId);
    },
    async has(fan, generationId) {
      return exists.get(fan.platform, fan.userId, generationId) !== undefined;
    },
    async counts(generationIds) {
      const counts = new Map<string, number>();
      if (generationIds.length === 0) return counts;
      const rows = db
        .prepare(
          `SELECT generation_id AS id, COUNT(*) AS n FROM favorites
            WHERE generation_id IN (SELECT value FROM json_each(?)) GROUP BY generation_id`,
        )
        .all(JSON.stringify(generationIds)) as { id: string; n: number }[];
      for (const row of rows) counts.set(row.id, row.n);
      return counts;
    },
  };
}
