import { sql } from 'kysely';
import type { RefusalLog } from '../../generations/refusals.js';
import type { SpendOverview } from '../../generations/spend/overview.js';
import { overviewOf, overviewQueries } from '../spend-overview-sql.js';
import type { PostgresDatabase } from './database.js';

/** The operator's spend aggregates on PostgreSQL: the same SQL as SQLite's (spend-overview-sql.ts). */
export function createPostgresSpendOverview(db: PostgresDatabase): SpendOverview {
  async function run(name: keyof typeof overviewQueries, params: Record<string, number>) {
    // Each $name becomes a bound parameter; the query text itself is ours, never input.
    const parts = overviewQueries[name].split(/\$(since|until|top)/);
    const strings = parts.filter((_, i) => i % 2 === 0);
    const values = parts.filter((_, i) => i % 2 === 1).map((key) => params[key]);
    const template = Object.assign([...strings], { raw: [...strings] }) as unknown as TemplateStringsArray;
    const { rows } = await sql<Record<string, unknown>>(template, ...values).execute(db);
    return rows;
  }
  return {
    async spendOverview(span, top) {
      const params = { since: span.since, until: span.until, top };
      const [days, topUsers, topModels, topServers, refusals] = await Promise.all([
        run('days', params),
        run('topUsers', params),
        run('topModels', params),
        run('topServers', params),
        run('refusals', params),
      ]);
      return overviewOf({ days, topUsers, topModels, topServers, refusals });
    },
  };
}

/** Refused requests on PostgreSQL. */
export function createPostgresRefusalLog(db: PostgresDatabase): RefusalLog {
  return {
    async recordRefusal(refusal) {
      await db
        .insertInto('refusals')
        .values({
          created_at: refusal.at,
          platform: refusal.platform,
          workspace_id: refusal.workspaceId ?? null,
          user_id: refusal.userId,
          user_name: refusal.userName ?? null,
          model: refusal.model ?? null,
          code: refusal.code,
        })
        .execute();
    },
    async pruneRefusals(before) {
      const result = await db.deleteFrom('refusals').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
