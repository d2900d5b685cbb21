import type { Logger } from 'pino';
import { createBlockedTerms, promptBlocked } from '../blocked-terms.js';
import type { Config } from '../config.js';
import { ReelbotError } from '../errors.js';
import type { GenerationStore, NewGeneration } from './generation-store.js';
import type { LimitsFor } from './spend/limits.js';
import { assertWithinQuota } from './spend/quota.js';
import type { Generation, Requester } from './types.js';
import { assertUnderUserCap } from './user-limits.js';

/** What admission checks against, and where an admitted generation goes. */
export interface AdmissionDeps {
  config: Pick<Config, 'limits' | 'moderation'>;
  store: GenerationStore;
  limitsFor: LimitsFor;
  clock: () => number;
  logger: Logger;
  isClosed(): boolean;
  /** Hands a recorded generation to the job queue. */
  submit(generation: Generation): void;
}

/**
 * The gate every new generation passes: the service is open, the person is under their running and
 * queued limits, the prompt uses no blocked term, and a paid (Replicate) video is within the daily quotas. `record` checks again
 * right before the insert, with no await in between, so the service cannot have closed meanwhile
 * (a row recorded then would be made on the next start after the user was told no), and two quick
 * requests of one person cannot both slip under the limits.
 */
export function createAdmission(deps: AdmissionDeps) {
  const { store, logger } = deps;
  const blockedTerms = createBlockedTerms(deps.config.moderation.blockedTerms);

  function assertOpen() {
    if (deps.isClosed())
      throw new ReelbotError('SHUTTING_DOWN', 'generation service is closed', {
        userMessage: 'reelbot is restarting. Please try again in a minute.',
      });
  }

  function checkUserLimit(requester: Requester) {
    const inFlight = store.countRunning({ platform: requester.platform, userId: requester.userId });
    assertUnderUserCap(inFlight, deps.config.limits, requester.userId);
  }

  /**
   * Replicate videos are paid for: past a daily quota they are refused before anything is sent.
   * The command line is the operator's own, and holds no quota.
   */
  function checkQuota(requester: Requester) {
    if (requester.platform === 'cli') return;
    assertWithinQuota(store, requester, deps.limitsFor(requester), deps.clock());
  }

  /**
   * Refuses a prompt that uses a blocked term, before anything is uploaded or predicted. Logged
   * with the term, so the operator sees what was refused and why.
   */
  function checkPrompt(prompt: string | undefined, requester: Requester) {
    if (!prompt) return;
    const term = blockedTerms.find(prompt);
    if (term === undefined) return;
    logger.warn(
      { code: 'PROMPT_BLOCKED', term, platform: requester.platform, user: requester.userId },
      'prompt refused: blocked term',
    );
    throw promptBlocked(term);
  }

  return {
    assertOpen,
    checkPrompt,
    checkUserLimit,
    checkQuota,
    /** Records an admitted generation as queued and hands it to the job queue. */
    record(generation: Omit<NewGeneration, 'status'>): Generation {
      assertOpen();
      checkUserLimit(generation.requester);
      checkPrompt(generation.prompt, generation.requester);
      if (generation.source === 'replicate') checkQuota(generation.requester);
      const created = store.insert({ ...generation, status: 'queued' });
      logger
        .child({ generationId: created.id })
        .info({ model: created.model, user: created.requester.userId }, 'generation recorded');
      deps.submit(created);
      return store.get(created.id)!;
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;
