import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { GroupService } from '../../core/generations/groups/group-service.js';
import type { GenerationStatus } from '../../core/generations/types.js';
import type { Logger } from '../../core/logger.js';
import type { SlackGroupMessages } from './status/group-message.js';
import type { StatusTracker } from './status/tracker.js';

/** Older results are left alone: the thread has moved on. */
const catchUpWindowMs = 24 * 60 * 60 * 1000;
const finalStates: GenerationStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * Shows the end of generations that finished while the bot was down (a status message left at
 * "Generating", a video never uploaded), and of groups whose grid was never uploaded. Unfinished
 * ones need nothing here: the services resume them and their events reach the messages.
 */
export async function catchUp(deps: {
  store: Pick<GenerationStore, 'list'>;
  tracker: StatusTracker;
  groups?: { service: Pick<GroupService, 'ended'>; messages: SlackGroupMessages };
  clock: () => number;
  logger: Logger;
}): Promise<void> {
  const since = deps.clock() - catchUpWindowMs;
  try {
    for (const status of finalStates) {
      const { items } = await deps.store.list({ platform: 'slack', status }, { limit: 50 });
      for (const generation of items) {
        if ((generation.completedAt ?? generation.updatedAt) >= since) deps.tracker.catchUp(generation);
      }
    }
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not catch up on Slack status messages');
  }
  if (!deps.groups) return;
  try {
    const shown = await deps.groups.messages.catchUp(deps.groups.service, since);
    if (shown > 0) deps.logger.info({ groups: shown }, 'Slack group messages caught up');
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not catch up on Slack group messages');
  }
}
