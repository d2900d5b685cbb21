import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { GenerationStatus } from '../../core/generations/types.js';
import type { Logger } from '../../core/logger.js';
import type { StatusTracker } from './status/tracker.js';

/** Older results are left alone: the thread has moved on. */
const catchUpWindowMs = 24 * 60 * 60 * 1000;
const finalStates: GenerationStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * Shows the end of generations that finished while the bot was down (a status message left at
 * "Generating", a video never uploaded). Unfinished ones need nothing here: the service resumes
 * them and their events reach the tracker.
 */
export async function catchUp(deps: {
  store: Pick<GenerationStore, 'list'>;
  tracker: StatusTracker;
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
}
