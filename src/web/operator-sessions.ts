import { createHash, randomBytes } from 'node:crypto';
import type { OperatorSecretKind, OperatorSessionStore } from '../core/access/operator-session-store.js';

/** How long an operator stays signed in. */
export const operatorSessionMs = 24 * 60 * 60 * 1000;
/** How long the one-time sign-in link `reelbot start` prints stays usable. */
export const signInLinkMs = 24 * 60 * 60 * 1000;

const newSecret = () => randomBytes(32).toString('base64url');
// Only hashes are kept: a copy of the database or a heap dump gives no one a session.
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * Sessions in this process's memory: for tests and a web app built without a store. `reelbot start`
 * keeps them in the store, so a restart and other web processes keep the operator signed in.
 */
export function memoryOperatorSessionStore(): OperatorSessionStore {
  const kept = new Map<string, { kind: OperatorSecretKind; expiresAt: number }>();
  const live = (hash: string, kind: OperatorSecretKind, now: number) => {
    const entry = kept.get(hash);
    return entry !== undefined && entry.kind === kind && entry.expiresAt > now;
  };
  return {
    async put(hash, kind, expiresAt, now) {
      for (const [key, entry] of kept) if (entry.expiresAt <= now) kept.delete(key);
      kept.set(hash, { kind, expiresAt });
    },
    async isLive(hash, kind, now) {
      return live(hash, kind, now);
    },
    async take(hash, kind, now) {
      if (!live(hash, kind, now)) return false;
      kept.delete(hash);
      return true;
    },
  };
}

/**
 * The operator's web sessions and one-time sign-in links, kept by the hash of their secret in
 * `store` (the database under `reelbot start`; memory by default).
 */
export function createOperatorSessions(options: { store?: OperatorSessionStore; clock?: () => number } = {}) {
  const store = options.store ?? memoryOperatorSessionStore();
  const clock = options.clock ?? Date.now;

  return {
    /** Opens a session; the returned id goes into the cookie. */
    async open(): Promise<{ id: string; expiresAt: number }> {
      const id = newSecret();
      const now = clock();
      const expiresAt = now + operatorSessionMs;
      await store.put(hashOf(id), 'session', expiresAt, now);
      return { id, expiresAt };
    },
    async isOpen(id: string | undefined): Promise<boolean> {
      return id ? store.isLive(hashOf(id), 'session', clock()) : false;
    },
    /** Ends a session (sign-out): the cookie opens nothing afterwards, in any process. */
    async close(id: string | undefined): Promise<void> {
      if (id) await store.take(hashOf(id), 'session', clock());
    },
    /** A token for a sign-in link that works once. */
    async issueSignInToken(): Promise<string> {
      const token = newSecret();
      const now = clock();
      await store.put(hashOf(token), 'sign-in', now + signInLinkMs, now);
      return token;
    },
    /** Uses up a sign-in token; true the first time only, whichever process is asked. */
    async redeemSignInToken(token: string | undefined): Promise<boolean> {
      return token ? store.take(hashOf(token), 'sign-in', clock()) : false;
    },
  };
}

export type OperatorSessions = ReturnType<typeof createOperatorSessions>;
