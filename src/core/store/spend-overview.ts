import type { Database } from 'better-sqlite3';
import type { RefusalLog } from '../generations/refusals.js';
import type { SpendOverview } from '../generations/spend/overview.js';
import { overviewOf, overviewQueries } from './spend-overview-sql.js';

/** The operator's spend aggregates on SQLite (SQL shared with PostgreSQL in spend-overview-sql.ts). */
export function createSpendOverview(db: Database): SpendOverview {
  const prepared = Object.fromEntries(
    Object.entries(overviewQueries).map(([name, text]) => [
      name,
      db.prepare(text.replace(/\$(since|until|top)/g, '@$1')),
    ]),
  ) as Record<keyof typeof overviewQueries, ReturnType<Database['prepare']>>;
  return {
    async spendOverview(span, top) {
      const params = { since: span.since, until: span.until, top };
      const run = (name: keyof typeof overviewQueries) => {
        const statement = prepared[name];
        const used = Object.fromEntries(
          Object.entries(params).filter(([key]) => overviewQueries[name].includes(`$${key}`)),
        );
        return statement.all(used) as Record<string, unknown>[];
      };
      return overviewOf({
        days: run('days'),
        topUsers: run('topUsers'),
        topModels: run('topModels'),
        topServers: run('topServers'),
        refusals: run('refusals'),
      });
    },
  };
}

/** Refused requests on SQLite. */
export function createRefusalLog(db: Database): RefusalLog {
  const insert = db.prepare(
    `INSERT INTO refusals (created_at, platform, workspace_id, user_id, user_name, model, code)
     VALUES (@at, @platform, @workspaceId, @userId, @userName, @model, @code)`,
  );
  const prune = db.prepare('DELETE FROM refusals WHERE created_at < ?');
  return {
    async recordRefusal(refusal) {
      insert.run({
        at: refusal.at,
        platform: refusal.platform,
        workspaceId: refusal.workspaceId ?? null,
        userId: refusal.userId,
        userName: refusal.userName ?? null,
        model: refusal.model ?? null,
        code: refusal.code,
      });
    },
    async pruneRefusals(before) {
      return prune.run(before).changes;
    },
  };
}
