import type { OperatorSessionStore } from '../../access/operator-session-store.js';
import type { PostgresDatabase } from './database.js';

/** The operator's sessions and sign-in links on PostgreSQL; the same rules as ../operator-sessions.ts. */
export function createPostgresOperatorSessionStore(db: PostgresDatabase): OperatorSessionStore {
  return {
    async put(hash, kind, expiresAt, now) {
      await db.deleteFrom('operator_sessions').where('expires_at', '<=', now).execute();
      await db
        .insertInto('operator_sessions')
        .values({ secret_hash: hash, kind, expires_at: expiresAt })
        .onConflict((conflict) => conflict.column('secret_hash').doUpdateSet({ kind, expires_at: expiresAt }))
        .execute();
    },
    async isLive(hash, kind, now) {
      const row = await db
        .selectFrom('operator_sessions')
        .select('secret_hash')
        .where('secret_hash', '=', hash)
        .where('kind', '=', kind)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },
    async take(hash, kind, now) {
      const result = await db
        .deleteFrom('operator_sessions')
        .where('secret_hash', '=', hash)
        .where('kind', '=', kind)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return result.numDeletedRows === 1n;
    },
  };
}
