import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ReelbotError } from '../errors.js';
import type { GenerationStore, NewGeneration } from './generation-store.js';
import { createKeyedLock } from './keyed-lock.js';
import { refuseBlockedTerm } from './prompt-screen.js';
import { type ServerRules, settingsPlaceOf } from './server-rules.js';
import type { LimitsFor } from './spend/limits.js';
import { assertWithinQuota } from './spend/quota.js';
import type { Generation, Requester } from './types.js';
import { assertUnderUserCap } from './user-limits.js';

/** What admission checks against, and where an admitted generation goes. */
export interface AdmissionDeps {
  config: Pick<Config, 'limits' | 'moderation'>;
  store: GenerationStore;
  limitsFor: LimitsFor;
  /** Each server's own settings: blocked terms, allowed models and channels, most jobs at once. */
  rules: ServerRules;
  clock: () => number;
  logger: Logger;
  isClosed(): boolean;
  /** Hands a recorded generation to the job queue. */
  submit(generation: Generation): void;
}

/**
 * The gate every new generation passes: the service is open, the person is under their running and
 * queued limits, the prompt uses no blocked term, and a paid (Replicate) video is within the daily
 * quotas. `record` checks again right before the insert.
 *
 * The store answers asynchronously, so a check and the insert after it are no longer one step:
 * two requests of one person could both read "one slot left" and both insert. `record` therefore
 * runs check-and-insert one at a time per requester (a keyed lock), so the second sees the first's
 * row. The lock holds within this process only; across processes the Redis job queue (issue 14)
 * is what will enforce the per-user limits. `drain()` waits for records under way, so closing the
 * service never leaves a row recorded after the queue was closed.
 */
export function createAdmission(deps: AdmissionDeps) {
  const { store, logger } = deps;
  const { rules } = deps;

  function assertOpen() {
    if (deps.isClosed())
      throw new ReelbotError('SHUTTING_DOWN', 'generation service is closed', {
        userMessage: 'reelbot is restarting. Please try again in a minute.',
      });
  }

  const perRequester = createKeyedLock();
  const recording = new Set<Promise<unknown>>();

  async function checkUserLimit(requester: Requester) {
    const inFlight = await store.countRunning({ platform: requester.platform, userId: requester.userId });
    assertUnderUserCap(inFlight, deps.config.limits, requester.userId);
  }

  /**
   * Replicate videos are paid for: past a daily quota they are refused before anything is sent.
   * `videos` asked for at once (a group's clips) must all fit. The command line is the operator's
   * own, and holds no quota.
   */
  async function checkQuota(requester: Requester, videos = 1) {
    if (requester.platform === 'cli') return;
    await assertWithinQuota(store, requester, await deps.limitsFor(requester), deps.clock(), videos);
  }

  /**
   * The server's own rules about where and what: the channel must be one it opened to the bot,
   * and a Replicate model must be on its allow-list (the command line is the operator's, and
   * runs any model). Checked before the catalog is asked, so a refused model never reaches Replicate.
   */
  async function checkPlace(requester: Requester, model?: string) {
    await rules.assertChannelAllowed(requester);
    if (model === undefined || requester.platform === 'cli') return;
    await rules.assertModelAllowed(requester, model);
  }

  /**
   * A server may cap its generations running or waiting at once. Counted within the requester's
   * lock, so one person cannot slip past; two people of one server may, by one, at the same moment.
   */
  async function checkServerJobs(requester: Requester) {
    const place = settingsPlaceOf(requester);
    if (!place) return;
    const max = (await rules.settings(requester)).maxJobs;
    if (!max) return;
    const running = await store.countRunning({ platform: place.platform, workspaceId: place.workspaceId });
    if (running >= max)
      throw new ReelbotError(
        'SERVER_BUSY',
        `server ${place.workspaceId} has ${running} of ${max} jobs running`,
        {
          userMessage: `This server runs at most ${max} video${max === 1 ? '' : 's'} at once, and ${running} ${running === 1 ? 'is' : 'are'} under way. Please try again when one finishes.`,
          context: { running, max },
        },
      );
  }

  return {
    assertOpen,
    checkPlace,
    checkUserLimit,
    checkQuota,
    /** Records an admitted generation as queued and hands it to the job queue. */
    record(generation: Omit<NewGeneration, 'status'>): Promise<Generation> {
      const { requester } = generation;
      const recorded = perRequester.run(`${requester.platform}:${requester.userId}`, async () => {
        assertOpen();
        await checkPlace(requester, generation.source === 'replicate' ? generation.model : undefined);
        // Every prompt, re-rolls' too: the server's blocked terms may have changed since it was typed.
        if (generation.prompt) await refuseBlockedTerm({ rules, logger }, generation.prompt, requester);
        await checkUserLimit(requester);
        await checkServerJobs(requester);
        if (generation.source === 'replicate') await checkQuota(requester);
        // The service may have begun closing during the checks' awaits: refuse rather than
        // record a row the user is about to be told nothing of.
        assertOpen();
        const created = await store.insert({ ...generation, status: 'queued' });
        logger
          .child({ generationId: created.id })
          .info({ model: created.model, user: created.requester.userId }, 'generation recorded');
        deps.submit(created);
        // Submitting may have changed the row (a queue place, a start): answer with it as it is now.
        return (await store.get(created.id)) ?? created;
      });
      recording.add(recorded);
      void recorded.then(
        () => recording.delete(recorded),
        () => recording.delete(recorded),
      );
      return recorded;
    },

    /** Waits for every record under way (the service calls it when closing, after refusing new ones). */
    async drain(): Promise<void> {
      await Promise.allSettled([...recording]);
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;
