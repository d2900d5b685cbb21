import type { Platform } from '../types.js';
import { dayMs, utcDayStart } from './day.js';

/*
 * The operator's view of spend: declared here, where it is used, and implemented by src/core/store
 * as SQL aggregates over `generations` and `refusals`.
 */

/** What was spent in a span: Replicate's billed seconds and dollars, videos and simulations made. */
export interface SpendTotals {
  /** Dollars of the predictions whose price is known (failed and canceled runs are billed too). */
  costUsd: number;
  /** Replicate's billed seconds, failed and canceled runs included. */
  gpuSeconds: number;
  /** Replicate videos that were made. */
  videos: number;
  /** Predictions with compute seconds but no known price: the dollars leave them out. */
  unpriced: number;
  /** Simulations that were made, and their CPU seconds. */
  simulations: number;
  cpuSeconds: number;
}

/** One UTC day's spend; `day` is its midnight (ms). */
export interface DaySpend extends SpendTotals {
  day: number;
}

/** One of the top users, models or servers. */
export interface SpendLeader extends SpendTotals {
  /** `user`: platform and user id; `server`: platform and workspace id; `model`: `owner/name`. */
  platform?: Platform;
  id: string;
  /** The user's last known display name. */
  name?: string;
}

/** How many refusals of one code. */
export interface RefusalCount {
  code: string;
  count: number;
  /** The latest one, ms. */
  lastAt: number;
}

/** What the store answers for a span of time: only the days that had any spend. */
export interface SpendOverviewRows {
  days: DaySpend[];
  topUsers: SpendLeader[];
  topModels: SpendLeader[];
  topServers: SpendLeader[];
  refusals: RefusalCount[];
}

/** The aggregates behind the operator's page, each one SQL query over the span `[since, until)`. */
export interface SpendOverview {
  spendOverview(span: { since: number; until: number }, top: number): Promise<SpendOverviewRows>;
}

/** The operator's page and `GET /api/admin/usage`: the last `days` UTC days, today included. */
export interface OperatorUsage {
  since: number;
  until: number;
  /** Every day of the span, oldest first; a day without spend is zeros. */
  days: DaySpend[];
  total: SpendTotals;
  topUsers: SpendLeader[];
  topModels: SpendLeader[];
  topServers: SpendLeader[];
  refusals: RefusalCount[];
}

const zero: SpendTotals = {
  costUsd: 0,
  gpuSeconds: 0,
  videos: 0,
  unpriced: 0,
  simulations: 0,
  cpuSeconds: 0,
};

/** Adds up spend totals. */
export function sumSpend(rows: readonly SpendTotals[]): SpendTotals {
  const total = { ...zero };
  for (const row of rows)
    for (const key of Object.keys(zero) as (keyof SpendTotals)[]) total[key] += row[key];
  return total;
}

/**
 * The operator's numbers at `now`: the last `days` UTC days (today included) with every day
 * present, and the top `top` users, models and servers, by dollars then GPU seconds.
 */
export async function operatorUsage(
  overview: SpendOverview,
  now: number,
  options: { days?: number; top?: number } = {},
): Promise<OperatorUsage> {
  const count = options.days ?? 30;
  const until = utcDayStart(now) + dayMs;
  const since = until - count * dayMs;
  const rows = await overview.spendOverview({ since, until }, options.top ?? 10);
  const byDay = new Map(rows.days.map((row) => [row.day, row]));
  const days = Array.from({ length: count }, (_, i) => {
    const day = since + i * dayMs;
    return byDay.get(day) ?? { day, ...zero };
  });
  return {
    since,
    until,
    days,
    total: sumSpend(days),
    topUsers: rows.topUsers,
    topModels: rows.topModels,
    topServers: rows.topServers,
    refusals: rows.refusals,
  };
}
