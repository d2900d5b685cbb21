import { createHash, randomBytes } from 'node:crypto';

/** How long an operator stays signed in. */
export const operatorSessionMs = 24 * 60 * 60 * 1000;
/** How long the one-time sign-in link `reelbot start` prints stays usable. */
export const signInLinkMs = 24 * 60 * 60 * 1000;

const newSecret = () => randomBytes(32).toString('base64url');
// Only hashes are kept: a heap dump or a log of this map gives no one a session.
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * The operator's web sessions and one-time sign-in links, in memory: a restart signs everyone out,
 * which for a single operator is the safe default.
 */
export function createOperatorSessions(clock: () => number = Date.now) {
  const sessions = new Map<string, number>();
  const signInLinks = new Map<string, number>();

  function live(map: Map<string, number>, secret: string | undefined): string | undefined {
    if (!secret) return undefined;
    const key = hashOf(secret);
    const expiresAt = map.get(key);
    if (expiresAt === undefined) return undefined;
    if (expiresAt <= clock()) {
      map.delete(key);
      return undefined;
    }
    return key;
  }

  return {
    /** Opens a session; the returned id goes into the cookie. */
    open(): { id: string; expiresAt: number } {
      const id = newSecret();
      const expiresAt = clock() + operatorSessionMs;
      sessions.set(hashOf(id), expiresAt);
      return { id, expiresAt };
    },
    isOpen(id: string | undefined): boolean {
      return live(sessions, id) !== undefined;
    },
    close(id: string | undefined): void {
      if (id) sessions.delete(hashOf(id));
    },
    /** A token for a sign-in link that works once. */
    issueSignInToken(): string {
      const token = newSecret();
      signInLinks.set(hashOf(token), clock() + signInLinkMs);
      return token;
    },
    /** Uses up a sign-in token; true the first time only. */
    redeemSignInToken(token: string | undefined): boolean {
      const key = live(signInLinks, token);
      if (key === undefined) return false;
      signInLinks.delete(key);
      return true;
    },
  };
}

export type OperatorSessions = ReturnType<typeof createOperatorSessions>;
