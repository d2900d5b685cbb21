/*
 * The port the operator's web sessions are kept through: declared here, beside the other rules of
 * who sees what, and implemented by src/core/store, so a restart and every web process share them.
 * Only the sha256 of a secret is ever stored.
 */

/** A session cookie, or a one-time sign-in link `reelbot start` printed. */
export type OperatorSecretKind = 'session' | 'sign-in';

/** Where the operator's sessions and sign-in links live, by the hash of their secret. */
export interface OperatorSessionStore {
  /** Keeps a new secret's hash until `expiresAt` (ms); drops every expired one. */
  put(hash: string, kind: OperatorSecretKind, expiresAt: number, now: number): Promise<void>;
  /** Whether the hash is kept as `kind` and has not expired at `now`. */
  isLive(hash: string, kind: OperatorSecretKind, now: number): Promise<boolean>;
  /** Deletes the hash if it is a live `kind`, in one step; true for the one caller that did. */
  take(hash: string, kind: OperatorSecretKind, now: number): Promise<boolean>;
}
