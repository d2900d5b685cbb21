import type { Requester } from '../types.js';
import { dayMs, utcDayStart, utcWeekStart } from './day.js';
import type { SpendLedger, UsageTotals } from './ledger.js';
import type { LimitsFor, SpendLimits } from './limits.js';
import { resetTime } from './quota.js';
import { approximateUsd, formatSeconds, formatUsd } from './spend-text.js';

/** What `/usage` tells: the person's day, and a server admin the server's day and week too. */
export interface UsageReport {
  /** When the current day ends (ms): the quotas start again. */
  resetsAt: number;
  limits: SpendLimits;
  user: UsageTotals;
  /** Only for a server admin, in a server. */
  server?: { day: UsageTotals; week: UsageTotals };
}

/** Builds the usage report of `requester` at `now`; `admin` adds the server's day and week. */
export async function usageReport(
  deps: { usage: Pick<SpendLedger, 'usageSince'>; limitsFor: LimitsFor },
  requester: Requester,
  options: { admin: boolean; now: number },
): Promise<UsageReport> {
  const since = utcDayStart(options.now);
  const limits = await deps.limitsFor(requester);
  const report: UsageReport = {
    resetsAt: since + dayMs,
    limits,
    user: await deps.usage.usageSince({ platform: requester.platform, userId: requester.userId }, since),
  };
  if (options.admin && requester.workspaceId) {
    const server = { platform: requester.platform, workspaceId: requester.workspaceId };
    report.server = {
      day: await deps.usage.usageSince(server, since),
      week: await deps.usage.usageSince(server, utcWeekStart(options.now)),
    };
  }
  return report;
}

const count = (n: number) => n.toLocaleString('en-US');

/** `12 videos · GPU 400 s of 3,600 s · about $1.20 of $5.00`, and the simulations when there were any. */
function totalsLine(
  totals: UsageTotals,
  limits: { videos?: number; gpuSeconds?: number; usd?: number },
): string {
  const videos = limits.videos
    ? `${count(totals.videos)} of ${count(limits.videos)} videos`
    : `${count(totals.videos)} video${totals.videos === 1 ? '' : 's'}`;
  const parts = [
    videos,
    `GPU ${formatSeconds(totals.gpuSeconds)}${limits.gpuSeconds ? ` of ${formatSeconds(limits.gpuSeconds)}` : ''}`,
  ];
  if (totals.costUsd > 0 || limits.usd)
    parts.push(`${approximateUsd(totals.costUsd)}${limits.usd ? ` of ${formatUsd(limits.usd)}` : ''}`);
  if (totals.unpriced > 0) parts.push(`price unknown for ${count(totals.unpriced)}`);
  if (totals.simulations > 0)
    parts.push(
      `${count(totals.simulations)} simulation${totals.simulations === 1 ? '' : 's'} (CPU ${formatSeconds(totals.cpuSeconds)})`,
    );
  return parts.join(' · ');
}

/**
 * The report in plain lines, for both bots: a title and a line per span. Failed and canceled
 * videos are not counted, as they are not against the quota.
 */
export function usageLines(report: UsageReport): { title: string; lines: string[] } {
  const lines = [`You today: ${totalsLine(report.user, { videos: report.limits.videosPerUser })}`];
  if (report.server) {
    lines.push(
      `This server today: ${totalsLine(report.server.day, {
        gpuSeconds: report.limits.gpuSecondsPerServer,
        usd: report.limits.usdPerServer,
      })}`,
      `This server, last 7 days: ${totalsLine(report.server.week, {})}`,
    );
  }
  lines.push(`The day's counts reset at ${resetTime}; failed and canceled videos do not count.`);
  return { title: 'Your usage', lines };
}
