import type { Database } from 'better-sqlite3';

/**
 * Gallery links revoked one by one, by their signature. A row is useless once the link would
 * have expired anyway, so recording one deletes those.
 */
export function createRevokedLinks(db: Database, clock: () => number = Date.now) {
  return {
    async isRevoked(signature: string): Promise<boolean> {
      return db.prepare('SELECT 1 FROM revoked_links WHERE signature = ?').get(signature) !== undefined;
    },
    async revoke(signature: string, expiresAt: number): Promise<void> {
      const now = clock();
      db.prepare('DELETE FROM revoked_links WHERE expires_at < ?').run(now);
      db.prepare(
        'INSERT OR IGNORE INTO revoked_links (signature, expires_at, revoked_at) VALUES (?, ?, ?)',
      ).run(signature, expiresAt, now);
    },
  };
}

export type RevokedLinks = ReturnType<typeof createRevokedLinks>;
