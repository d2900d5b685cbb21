import { sql } from 'kysely';
import type { ClaimResult } from '../../generations/generation-store.js';
import type { PostgresDatabase } from './database.js';

const claimable = sql`status IN ('processing', 'downloading', 'starting')`;
const beatOf = sql`coalesce(download_heartbeat_at, download_claimed_at, 0)`;

/**
 * Download claims on PostgreSQL, with the SQLite adapter's semantics (../download-claims.ts): a
 * claim names its owner and carries a heartbeat; every change is one guarded UPDATE, so under READ
 * COMMITTED the second of two racing takers re-reads the row it waited for and matches nothing.
 */
export function createPostgresDownloadClaims(db: PostgresDatabase, clock: () => number) {
  async function take(id: string, owner: string, now: number, guard: ReturnType<typeof sql>) {
    const result = await sql`
      UPDATE generations
         SET download_claim = ${owner}, download_claimed_at = ${now}, download_heartbeat_at = ${now},
             status = 'downloading', download_attempts = download_attempts + 1, updated_at = ${now}
       WHERE id = ${id} AND ${claimable} AND ${guard}`.execute(db);
    return result.numAffectedRows === 1n;
  }

  return {
    async claimDownload(id: string, owner: string, leaseMs: number): Promise<ClaimResult> {
      const now = clock();
      const row = (
        await sql<{ owner: string | null; beat: number }>`
          SELECT download_claim AS owner, ${beatOf} AS beat FROM generations WHERE id = ${id}`.execute(db)
      ).rows[0];
      if (!row) return { claimed: false };
      if (row.owner === null || row.owner === owner)
        return (await take(id, owner, now, sql`(download_claim IS NULL OR download_claim = ${owner})`))
          ? { claimed: true }
          : { claimed: false };
      if (row.beat >= now - leaseMs)
        return { claimed: false, holder: { owner: row.owner, heartbeatAt: row.beat } };
      const won = await take(id, owner, now, sql`download_claim = ${row.owner} AND ${beatOf} = ${row.beat}`);
      return won ? { claimed: true, takenFrom: row.owner } : { claimed: false };
    },

    async beatDownload(id: string, owner: string): Promise<boolean> {
      const result = await db
        .updateTable('generations')
        .set({ download_heartbeat_at: clock() })
        .where('id', '=', id)
        .where('download_claim', '=', owner)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async releaseDownload(id: string, owner: string): Promise<void> {
      await db
        .updateTable('generations')
        .set({ download_claim: null, download_claimed_at: null, download_heartbeat_at: null })
        .where('id', '=', id)
        .where('download_claim', '=', owner)
        .execute();
    },

    async liveDownloadOwners(leaseMs: number): Promise<Set<string>> {
      const rows = await db
        .selectFrom('generations')
        .select('download_claim as owner')
        .distinct()
        .where('download_claim', 'is not', null)
        .where('download_heartbeat_at', '>=', clock() - leaseMs)
        .execute();
      return new Set(rows.map((row) => row.owner!));
    },
  };
}
