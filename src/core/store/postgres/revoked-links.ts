import type { RevokedLinks } from '../revoked-links.js';
import type { PostgresDatabase } from './database.js';

/** Gallery links revoked one by one, on PostgreSQL; the same rules as ../revoked-links.ts. */
export function createPostgresRevokedLinks(
  db: PostgresDatabase,
  clock: () => number = Date.now,
): RevokedLinks {
  return {
    async isRevoked(signature: string): Promise<boolean> {
      const row = await db
        .selectFrom('revoked_links')
        .select('signature')
        .where('signature', '=', signature)
        .executeTakeFirst();
      return row !== undefined;
    },
    async revoke(signature: string, expiresAt: number): Promise<void> {
      const now = clock();
      await db.deleteFrom('revoked_links').where('expires_at', '<', now).execute();
      await db
        .insertInto('revoked_links')
        .values({ signature, expires_at: expiresAt, revoked_at: now })
        .onConflict((conflict) => conflict.column('signature').doNothing())
        .execute();
    },
  };
}
