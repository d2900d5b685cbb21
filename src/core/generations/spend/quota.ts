import { QuotaError } from '../../errors.js';
import type { Requester } from '../types.js';
import { dayMs, utcDayStart } from './day.js';
import type { SpendLedger } from './ledger.js';
import type { SpendLimits } from './limits.js';
import { formatSeconds, formatUsd } from './spend-text.js';

/** `00:00 UTC`: every quota day ends at midnight UTC. */
export const resetTime = '00:00 UTC';

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Refuses a Replicate video past a daily quota, with what was used, the limit and when it resets:
 * the person's count of videos first, then the server's compute seconds and dollars. Videos count
 * from the moment they are asked for, so two quick requests (recorded one at a time per person by
 * admission) cannot both slip under; failed and
 * canceled ones stop counting. A server's budget is checked against what its videos have used so
 * far: videos still running when it runs out may end a little past it.
 *
 * `videos` is how many are asked for at once (a compare or a batch counts each clip): all of them
 * must fit in the person's count, so a group is refused whole rather than started in part.
 */
export async function assertWithinQuota(
  usage: Pick<SpendLedger, 'usageSince'>,
  requester: Requester,
  limits: SpendLimits,
  now: number,
  videos = 1,
): Promise<void> {
  const since = utcDayStart(now);
  const resetsAt = since + dayMs;
  if (limits.videosPerUser > 0) {
    const mine = await usage.usageSince({ platform: requester.platform, userId: requester.userId }, since);
    if (mine.videos >= limits.videosPerUser)
      throw new QuotaError(
        'user-videos',
        mine.videos,
        limits.videosPerUser,
        resetsAt,
        `You have made ${count(mine.videos)} of ${count(limits.videosPerUser)} videos today; the count resets at ${resetTime}.`,
      );
    if (mine.videos + videos > limits.videosPerUser) {
      const left = limits.videosPerUser - mine.videos;
      throw new QuotaError(
        'user-videos',
        mine.videos,
        limits.videosPerUser,
        resetsAt,
        `These ${count(videos)} videos would take you past your ${count(limits.videosPerUser)} a day: you have made ${count(mine.videos)}, so ${left === 1 ? 'one more fits' : `${count(left)} more fit`} today; the count resets at ${resetTime}.`,
      );
    }
  }
  if (!requester.workspaceId || (!limits.gpuSecondsPerServer && !limits.usdPerServer)) return;
  const server = await usage.usageSince(
    { platform: requester.platform, workspaceId: requester.workspaceId },
    since,
  );
  if (limits.gpuSecondsPerServer && server.gpuSeconds >= limits.gpuSecondsPerServer)
    throw new QuotaError(
      'server-gpu-seconds',
      server.gpuSeconds,
      limits.gpuSecondsPerServer,
      resetsAt,
      `This server has used ${formatSeconds(server.gpuSeconds)} of its ${formatSeconds(limits.gpuSecondsPerServer)} of GPU time today; the budget resets at ${resetTime}.`,
    );
  if (limits.usdPerServer && server.costUsd >= limits.usdPerServer)
    throw new QuotaError(
      'server-usd',
      server.costUsd,
      limits.usdPerServer,
      resetsAt,
      `This server has spent about ${formatUsd(server.costUsd)} of its ${formatUsd(limits.usdPerServer)} today; the budget resets at ${resetTime}.`,
    );
}
