import type { Logger } from 'pino';
import { promptBlocked } from '../blocked-terms.js';
import type { ModerationGate } from './moderation.js';
import type { ServerRules } from './server-rules.js';
import type { Requester } from './types.js';

/** What a prompt's words are screened against. Neither needs the store, so a process without one can screen. */
export interface PromptScreenDeps {
  /** The server's blocked terms (BLOCKED_TERMS for the command line and servers that set none). */
  rules: Pick<ServerRules, 'blockedTerms'>;
  /** OpenAI moderation; lets everything through when it has no moderator. */
  moderation: Pick<ModerationGate, 'checkText'>;
  logger: Logger;
}

/**
 * Refuses a prompt that uses one of the server's blocked terms (`PROMPT_BLOCKED`). Logged with the
 * term, so the operator sees what was refused and why; the person is not told which word.
 */
export async function refuseBlockedTerm(
  { rules, logger }: Pick<PromptScreenDeps, 'rules' | 'logger'>,
  prompt: string,
  requester: Requester,
): Promise<void> {
  const term = (await rules.blockedTerms(requester)).find(prompt);
  if (term === undefined) return;
  logger.warn(
    { code: 'PROMPT_BLOCKED', term, platform: requester.platform, user: requester.userId },
    'prompt refused: blocked term',
  );
  throw promptBlocked(term);
}

/**
 * The two checks of a prompt's words, the free one first: the blocked terms, then moderation (one
 * call, and none at all for a blocked prompt). Answers the age-restricted categories moderation
 * marked, which the caller keeps on the generation; a refused prompt throws.
 */
export async function screenPrompt(
  deps: PromptScreenDeps,
  prompt: string,
  requester: Requester,
): Promise<string[]> {
  await refuseBlockedTerm(deps, prompt, requester);
  return deps.moderation.checkText(prompt, requester);
}
