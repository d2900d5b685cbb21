import type { webApi } from '@slack/bolt';
import type { GenerationService } from '../../../core/generations/service-types.js';
import { usageLines } from '../../../core/generations/spend/usage.js';
import type { Logger } from '../../../core/logger.js';
import { errorCodeOf } from '../slack-errors.js';

/**
 * Whether a person is a workspace admin or owner (users.info, scope `users:read`). A failed lookup
 * counts as "no": usage figures and deleting others' videos stay with those Slack says are admins.
 */
export async function isWorkspaceAdmin(
  client: webApi.WebClient,
  userId: string,
  logger: Logger,
): Promise<boolean> {
  try {
    const { user } = await client.users.info({ user: userId });
    return Boolean(user?.is_admin || user?.is_owner);
  } catch (error) {
    logger.warn(
      { err: error, code: errorCodeOf(error), user: userId },
      'users.info failed; treated as a member, not an admin',
    );
    return false;
  }
}

/** `/reelbot usage`: the person's day against the quotas, and to an admin the workspace's day and week. */
export async function usageText(
  deps: { service: GenerationService; client: webApi.WebClient; logger: Logger },
  command: { user_id: string; team_id: string; channel_id: string },
): Promise<string> {
  const admin = await isWorkspaceAdmin(deps.client, command.user_id, deps.logger);
  const report = await deps.service.usage(
    {
      platform: 'slack',
      workspaceId: command.team_id,
      channelId: command.channel_id,
      userId: command.user_id,
    },
    { admin },
  );
  const { title, lines } = usageLines(report);
  return [`*${title}*`, ...lines.map((line) => line.replace('This server', 'This workspace'))].join('\n');
}
