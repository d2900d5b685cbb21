import { webApi } from '@slack/bolt';
import { codeOf, userMessageOf } from '../../core/errors.js';

/** What each scope reelbot uses is for, in words a workspace admin understands. */
const scopePurpose: Record<string, string> = {
  'chat:write': 'post status messages',
  'files:read': 'read the images you share',
  'files:write': 'upload finished videos',
  commands: 'receive slash commands',
};

/** A Slack Web API error reduced to what the bot decides on. */
export interface SlackProblem {
  /** Slack's error code, e.g. `missing_scope`, `not_in_channel`. */
  error: string;
  /** For `missing_scope`: the scope Slack named. */
  scope?: string;
}

/** Reads a Web API error; undefined when `error` did not come from Slack. */
export function slackProblemOf(error: unknown): SlackProblem | undefined {
  if (!error || typeof error !== 'object' || !('code' in error)) return undefined;
  const coded = error as { code: unknown; data?: { error?: string; needed?: string } };
  if (coded.code === webApi.ErrorCode.PlatformError) {
    const slackError = coded.data?.error ?? 'unknown_error';
    return { error: slackError, scope: slackError === 'missing_scope' ? coded.data?.needed : undefined };
  }
  if (coded.code === webApi.ErrorCode.RateLimitedError) return { error: 'ratelimited' };
  if (coded.code === webApi.ErrorCode.RequestError || coded.code === webApi.ErrorCode.HTTPError)
    return { error: 'unreachable' };
  return undefined;
}

/** The sentence for a missing Slack permission, naming it. */
export function missingScopeMessage(scope: string | undefined): string {
  const name = scope ?? 'a permission';
  const purpose = scope && scopePurpose[scope] ? ` (it needs it to ${scopePurpose[scope]})` : '';
  return `reelbot is missing the Slack permission \`${name}\`${purpose}. Ask a workspace admin to add it under OAuth & Permissions and reinstall the app.`;
}

function slackMessage(problem: SlackProblem): string {
  switch (problem.error) {
    case 'missing_scope':
      return missingScopeMessage(problem.scope);
    case 'not_in_channel':
    case 'channel_not_found':
      return 'reelbot is not in this channel. Invite it with `/invite @reelbot` and try again.';
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'account_inactive':
      return "reelbot's Slack token is no longer valid. Ask a workspace admin to reinstall the app.";
    case 'expired_trigger_id':
    case 'invalid_trigger_id':
      return 'Slack took too long to open the form. Please run the command again.';
    case 'file_not_found':
      return 'That file is gone from Slack, or reelbot cannot see it.';
    case 'ratelimited':
      return 'Slack asked reelbot to slow down. Please try again in a minute.';
    case 'unreachable':
      return 'Slack cannot be reached right now. Please try again in a minute.';
    default:
      return `Slack refused the request (${problem.error}). Please try again.`;
  }
}

/** Plain words for any error, Slack's or ours, for a person in Slack. */
export function plainWords(error: unknown): string {
  const problem = slackProblemOf(error);
  return problem ? slackMessage(problem) : userMessageOf(error);
}

/** A stable code for logs: Slack's error name or our error code. */
export function errorCodeOf(error: unknown): string {
  const problem = slackProblemOf(error);
  return problem ? `SLACK_${problem.error.toUpperCase()}` : codeOf(error);
}
