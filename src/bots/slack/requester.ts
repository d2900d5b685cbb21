import type { Requester } from '../../core/generations/types.js';

/** The person and place of a Slack request, as core records it. */
export function slackRequester(input: {
  userId: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
}): Requester {
  return {
    platform: 'slack',
    userId: input.userId,
    userName: input.userName,
    workspaceId: input.teamId,
    channelId: input.channelId,
  };
}
