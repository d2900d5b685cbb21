import type { Logger } from 'pino';
import {
  AttachmentError,
  DownloadError,
  FileError,
  MediaError,
  NotFoundError,
  RateLimitError,
  ReelbotError,
  SchemaError,
  SimulationError,
  UpstreamError,
  ValidationError,
} from '../errors.js';
import type { Platform, Requester } from './types.js';

/*
 * The port refused requests are kept through, for the operator's page: declared here, where it is
 * used, and implemented by src/core/store.
 */

/** One request the service refused before recording a generation. */
export interface Refusal {
  /** When, ms. */
  at: number;
  platform: Platform;
  /** The Discord guild or Slack workspace; absent in DMs and on the command line. */
  workspaceId?: string;
  userId: string;
  userName?: string;
  /** The model asked for, when the request named one. */
  model?: string;
  /** The refusal's stable code: `QUOTA_REACHED`, `LIMIT_REACHED`, `PROMPT_BLOCKED`, ... */
  code: string;
}

/** Where refusals are kept. */
export interface RefusalLog {
  recordRefusal(refusal: Refusal): Promise<void>;
  /** Deletes refusals older than `before` (ms); returns how many. */
  pruneRefusals(before: number): Promise<number>;
}

/** How long refusals are kept: the operator's page shows 30 days, the rest is for questions. */
export const refusalRetentionMs = 90 * 86_400_000;
/** How often the log is pruned at most, so a burst of refusals costs one DELETE. */
const pruneEveryMs = 60 * 60 * 1000;

/**
 * Failures that are not a decision to refuse: the request was malformed, named something that does
 * not exist, or something on the way (Replicate, a download, ffmpeg) failed. Every other
 * `ReelbotError` thrown before a generation is recorded is a refusal, so a new refusal code
 * (`MODEL_NOT_ALLOWED`, `PROMPT_FLAGGED`, ...) is counted without being listed anywhere.
 */
const notRefusals = [
  ValidationError,
  NotFoundError,
  SchemaError,
  AttachmentError,
  UpstreamError,
  RateLimitError,
  DownloadError,
  MediaError,
  FileError,
  SimulationError,
];
// NOTHING_TO_REROLL: a Re-roll button from before scene-file videos lost theirs, not a decision.
const notRefusalCodes = new Set(['SHUTTING_DOWN', 'SIMULATION_UNAVAILABLE', 'INTERNAL', 'NOTHING_TO_REROLL']);

/** Whether `error` is the service refusing a request (rather than failing to serve it). */
export function isRefusal(error: unknown): error is ReelbotError {
  if (!(error instanceof ReelbotError)) return false;
  if (notRefusalCodes.has(error.code)) return false;
  return !notRefusals.some((kind) => error instanceof kind);
}

/**
 * Wraps the service's ways in (`start`, `reroll`, `simulate`, `checkQuota`): whatever they refuse is
 * written to the log, then thrown on unchanged. Writing never fails the request: a log that cannot
 * be written is a warning. The log is pruned of refusals past {@link refusalRetentionMs}.
 */
export function createRefusalRecorder(deps: { log?: RefusalLog; clock: () => number; logger: Logger }) {
  let prunedAt: number | undefined;

  async function record(error: ReelbotError, requester: Requester, model: string | undefined) {
    const log = deps.log;
    if (!log) return;
    const at = deps.clock();
    try {
      await log.recordRefusal({
        at,
        platform: requester.platform,
        workspaceId: requester.workspaceId,
        userId: requester.userId,
        userName: requester.userName,
        model,
        code: error.code,
      });
      if (prunedAt === undefined || at - prunedAt >= pruneEveryMs) {
        prunedAt = at;
        await log.pruneRefusals(at - refusalRetentionMs);
      }
    } catch (failure) {
      deps.logger.warn({ err: failure, code: error.code }, 'could not record a refusal');
    }
  }

  return {
    /**
     * Runs `work`; a refusal it throws is recorded for `requester` (and the model, which `model`
     * may look up after the fact) before it is thrown on.
     */
    async watch<T>(
      requester: Requester,
      model: string | (() => Promise<string | undefined>) | undefined,
      work: () => Promise<T>,
    ): Promise<T> {
      try {
        return await work();
      } catch (error) {
        if (isRefusal(error)) {
          const named = typeof model === 'function' ? await model().catch(() => undefined) : model;
          await record(error, requester, named);
        }
        throw error;
      }
    },
  };
}
