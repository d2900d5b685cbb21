import type { FavoriteStore } from '../../generations/favorites.js';
import type { PostgresDatabase } from './database.js';

/** Favorites on PostgreSQL; the same rules as ../favorites.ts. */
export function createPostgresFavorites(db: PostgresDatabase, clock: () => number = Date.now): FavoriteStore {
  const where = (fan: { platform: string; userId: string }, generationId: string) =>
    db
      .deleteFrom('favorites')
      .where('platform', '=', fan.platform)
      .where('user_id', '=', fan.userId)
      .where('generation_id', '=', generationId);
  const insert = (fan: { platform: string; userId: string }, generationId: string) =>
    db
      .insertInto('favorites')
      .values({
        platform: fan.platform,
        user_id: fan.userId,
        generation_id: generationId,
        created_at: clock(),
      })
      .onConflict((conflict) => conflict.columns(['platform', 'user_id', 'generation_id']).doNothing())
      .execute();
  return {
    async set(fan, generationId, favorite) {
      if (favorite) await insert(fan, generationId);
      else await where(fan, generationId).execute();
      return favorite;
    },
    async toggle(fan, generationId) {
      // The delete is the guard: of two presses at once, at most one removes the row.
      const removed = await where(fan, generationId).returning('generation_id').execute();
      if (removed.length > 0) return false;
      await insert(fan, generationId);
      return true;
    },
    async has(fan, generationId) {
      const row = await db
        .selectFrom('favorites')
        .select('generation_id')
        .where('platform', '=', fan.platform)
        .where('user_id', '=', fan.userId)
        .where('generation_id', '=', generationId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async counts(generationIds) {
      const counts = new Map<string, number>();
      if (generationIds.length === 0) return counts;
      const rows = await db
        .selectFrom('favorites')
        .select(['generation_id', db.fn.countAll<string>().as('n')])
        .where('generation_id', 'in', [...generationIds])
        .groupBy('generation_id')
        .execute();
      for (const row of rows) counts.set(row.generation_id, Number(row.n));
      return counts;
    },
  };
}
