import type { ClaimResult } from '../generations/generation-store.js';
import type { StatementCache } from './statement-cache.js';

const claimable = `status IN ('processing', 'downloading', 'starting')`;

/**
 * Download claims of generations. A claim names its owner (one per process) and carries a
 * heartbeat the owner renews every few seconds; a claim whose heartbeat is older than the lease
 * belongs to a process that died (or froze), and another may take it over. Every change is one
 * guarded UPDATE, so two processes never hold the same download at once.
 */
export function createDownloadClaims(prepared: StatementCache, clock: () => number) {
  const current = prepared<[string], { status: string; owner: string | null; beat: number }>(
    `SELECT status, download_claim AS owner,
            coalesce(download_heartbeat_at, download_claimed_at, 0) AS beat
       FROM generations WHERE id = ?`,
  );
  const take = (guard: string, params: Record<string, unknown>) =>
    prepared(
      `UPDATE generations
            SET download_claim = @owner, download_claimed_at = @now, download_heartbeat_at = @now,
                status = 'downloading', download_attempts = download_attempts + 1, updated_at = @now
          WHERE id = @id AND ${claimable} AND ${guard}`,
    ).run(params).changes === 1;

  return {
    /**
     * Takes the download of a generation for `owner`: when nobody holds it, when `owner` already
     * does, or when the holder's heartbeat is older than `leaseMs`. A takeover only succeeds while
     * the row still shows the holder and heartbeat read here, so of two processes taking over the
     * same lapsed claim exactly one wins.
     */
    async claimDownload(id: string, owner: string, leaseMs: number): Promise<ClaimResult> {
      const now = clock();
      const row = current.get(id);
      if (!row) return { claimed: false };
      if (row.owner === null || row.owner === owner)
        return take('(download_claim IS NULL OR download_claim = @owner)', { id, owner, now })
          ? { claimed: true }
          : { claimed: false };
      if (row.beat >= now - leaseMs)
        return { claimed: false, holder: { owner: row.owner, heartbeatAt: row.beat } };
      const won = take(
        'download_claim = @old AND coalesce(download_heartbeat_at, download_claimed_at, 0) = @oldBeat',
        { id, owner, now, old: row.owner, oldBeat: row.beat },
      );
      return won ? { claimed: true, takenFrom: row.owner } : { claimed: false };
    },

    /** Renews `owner`'s claim; false when the claim is no longer `owner`'s (taken over, or released). */
    async beatDownload(id: string, owner: string): Promise<boolean> {
      return (
        prepared('UPDATE generations SET download_heartbeat_at = ? WHERE id = ? AND download_claim = ?').run(
          clock(),
          id,
          owner,
        ).changes === 1
      );
    },

    /** Lets go of a download claim, so another worker (or a retry) can take it. */
    async releaseDownload(id: string, owner: string): Promise<void> {
      prepared(
        `UPDATE generations SET download_claim = NULL, download_claimed_at = NULL, download_heartbeat_at = NULL
          WHERE id = ? AND download_claim = ?`,
      ).run(id, owner);
    },

    /** Owners whose claims beat within `leaseMs`: the processes downloading right now. */
    async liveDownloadOwners(leaseMs: number): Promise<Set<string>> {
      const rows = prepared<[number], { owner: string }>(
        `SELECT DISTINCT download_claim AS owner FROM generations
            WHERE download_claim IS NOT NULL AND download_heartbeat_at >= ?`,
      ).all(clock() - leaseMs);
      return new Set(rows.map((row) => row.owner));
    },
  };
}
