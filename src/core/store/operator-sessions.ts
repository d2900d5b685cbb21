import type { Database } from 'better-sqlite3';
import type { OperatorSessionStore } from '../access/operator-session-store.js';

/** The operator's sessions and sign-in links on SQLite, by the hash of their secret. */
export function createOperatorSessionStore(db: Database): OperatorSessionStore {
  const prune = db.prepare('DELETE FROM operator_sessions WHERE expires_at <= ?');
  const insert = db.prepare(
    'INSERT OR REPLACE INTO operator_sessions (secret_hash, kind, expires_at) VALUES (?, ?, ?)',
  );
  const live = db.prepare(
    'SELECT 1 FROM operator_sessions WHERE secret_hash = ? AND kind = ? AND expires_at > ?',
  );
  const take = db.prepare(
    'DELETE FROM operator_sessions WHERE secret_hash = ? AND kind = ? AND expires_at > ?',
  );
  return {
    async put(hash, kind, expiresAt, now) {
      prune.run(now);
      insert.run(hash, kind, expiresAt);
    },
    async isLive(hash, kind, now) {
      return live.get(hash, kind, now) !== undefined;
    },
    async take(hash, kind, now) {
      return take.run(hash, kind, now).changes === 1;
    },
  };
}
