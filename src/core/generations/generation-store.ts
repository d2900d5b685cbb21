import type { Place } from '../access/place.js';
import type { Fan } from './favorites.js';
import type { SpendLedger } from './spend/ledger.js';
import type { Generation, GenerationSource, GenerationStatus, Platform, StoredMedia } from './types.js';

/*
 * The port the generation service keeps its work behind: declared here, where it is used, and
 * implemented by src/core/store (SQLite today). Nothing in this folder imports the store.
 */

/** Fields the core may change on a generation; absent keys stay as they are, `null` clears. */
export interface GenerationPatch {
  status?: GenerationStatus;
  version?: string | null;
  predictionId?: string | null;
  predictionRequestedAt?: number | null;
  error?: string | null;
  errorCode?: string | null;
  upstreamError?: string | null;
  progress?: number | null;
  lastLog?: string | null;
  outputUrl?: string | null;
  extraOutputs?: string[] | null;
  media?: StoredMedia | null;
  seed?: number | null;
  input?: Record<string, unknown>;
  messageRef?: Record<string, unknown> | null;
  joinedMedia?: StoredMedia | null;
  chainId?: string | null;
  cancelRequested?: boolean;
  downloadAttempts?: number;
  startedAt?: number | null;
  completedAt?: number | null;
}

/** What a new generation needs: its request as a `Generation` holds it, and optionally its id and first status. */
export type NewGeneration = Pick<
  Generation,
  | 'source'
  | 'requester'
  | 'model'
  | 'version'
  | 'prompt'
  | 'input'
  | 'seed'
  | 'messageRef'
  | 'restrictedCategories'
  | 'origin'
  | 'chainId'
> & { id?: string; status?: GenerationStatus };

/** Gallery and API filters. */
export interface GenerationFilter {
  status?: GenerationStatus | 'running';
  model?: string;
  platform?: Platform;
  source?: GenerationSource;
  userId?: string;
  /** Free text over prompts: every word must start a word of the prompt. */
  search?: string;
  /** Only the generations of this place (what a signed gallery link may see). */
  place?: Place;
  /** Only the generations this person marked as favorites. */
  favoriteOf?: Fan;
  /** The gallery's entries: a chain of extends is one row, its newest finished part. */
  foldChains?: boolean;
  /** The gallery's entries: a finished group (compare, batch) is one row, its newest member shown. */
  foldGroups?: boolean;
  /**
   * Only the generations anyone marked as a favorite, most marked first, then newest: a server's
   * shared gallery shows what its people liked without saying who liked it.
   */
  favorited?: boolean;
}

/** Keyset position: the last row of the previous page. */
export interface GenerationCursor {
  createdAt: number;
  id: string;
  /** With `favorited`: how many people marked that row, the first key of that order. */
  favorites?: number;
}

/** Internal fields the service needs but that are never shown to users. */
export interface GenerationInternals {
  outputUrl?: string;
  predictionRequestedAt?: number;
  downloadClaim?: string;
  downloadClaimedAt?: number;
  downloadHeartbeatAt?: number;
  downloadAttempts: number;
  cancelRequested: boolean;
}

/** The answer to a claim attempt. */
export type ClaimResult =
  | { claimed: true /** The owner whose lapsed claim this one replaced. */; takenFrom?: string }
  | {
      claimed: false;
      /** Who holds the claim, and when it last beat; absent when the generation cannot be downloaded. */
      holder?: { owner: string; heartbeatAt: number };
    };

/** One page of the gallery, and where the next one starts. */
export interface GenerationPage {
  items: Generation[];
  next?: GenerationCursor;
}

/**
 * Where generations are kept. Every state change two workers could race on is one guarded
 * write, so exactly one of them wins. Every method answers with a promise, so an engine reached
 * over the network (PostgreSQL) can stand behind the same port; callers must not assume that
 * nothing changes between two awaited calls, and put decisions that depend on a read into the
 * guarded write (`transition`, the claims) instead.
 */
export interface GenerationStore extends SpendLedger {
  insert(input: NewGeneration): Promise<Generation>;
  get(id: string): Promise<Generation | undefined>;
  getByPrediction(predictionId: string): Promise<Generation | undefined>;
  /** Fields for the service only: never put these in an API response. */
  internals(id: string): Promise<GenerationInternals | undefined>;
  /** Applies a patch unconditionally. */
  update(id: string, patch: GenerationPatch): Promise<boolean>;
  /** Applies a patch only while the status is one of `from`; returns whether it won. */
  transition(id: string, from: readonly GenerationStatus[], patch: GenerationPatch): Promise<boolean>;
  /** Every generation that has not ended, oldest first: the work to resume after a restart. */
  listUnfinished(): Promise<Generation[]>;
  /** How many generations are running (queued ones included), for one user or platform or all. */
  countRunning(filter?: { platform?: Platform; userId?: string; workspaceId?: string }): Promise<number>;
  /** A page of generations, newest first, after `cursor`. */
  list(
    filter?: GenerationFilter,
    options?: { cursor?: GenerationCursor; limit?: number },
  ): Promise<GenerationPage>;
  /**
   * Distinct model names, byte-wise in order, for the gallery's filter: of one place's generations
   * when `place` is given (what a link of that place may see), else of all.
   */
  models(place?: Place): Promise<string[]>;
  /** Count and bytes by status, for the admin view. */
  stats(): Promise<{ status: GenerationStatus; count: number; bytes: number }[]>;
  delete(id: string): Promise<boolean>;
  /** The parts of a chain of extends, oldest first. */
  chain(chainId: string): Promise<Generation[]>;
  /**
   * How many finished parts each of these chains has, in one read: a gallery page marks each chain
   * "Part N of N" without reading every part of every chain. Chains with none are absent.
   */
  finishedChainParts(chainIds: readonly string[]): Promise<Map<string, number>>;

  /**
   * Takes the download of a generation for `owner`: when nobody holds it, when `owner` already
   * does, or when the holder's heartbeat is older than `leaseMs`.
   */
  claimDownload(id: string, owner: string, leaseMs: number): Promise<ClaimResult>;
  /** Renews `owner`'s claim; false when the claim is no longer `owner`'s. */
  beatDownload(id: string, owner: string): Promise<boolean>;
  /** Lets go of a download claim, so another worker (or a retry) can take it. */
  releaseDownload(id: string, owner: string): Promise<void>;
  /** Owners whose claims beat within `leaseMs`: the processes downloading right now. */
  liveDownloadOwners(leaseMs: number): Promise<Set<string>>;

  /** Whether a webhook delivery id was handled before (a replay). */
  seenWebhook(deliveryId: string): Promise<boolean>;
  /** Records a handled delivery id; false when it was recorded before. */
  rememberWebhook(deliveryId: string): Promise<boolean>;
  /** Deletes delivery ids older than the replay window; returns how many. */
  pruneWebhooks(): Promise<number>;

  /** Keeps how long Replicate ran a generation's prediction, in seconds. */
  recordPredictTime(id: string, seconds: number): Promise<void>;
  /** The run times (seconds) of the model's newest `limit` successes, newest first. */
  recentPredictTimes(model: string, limit: number): Promise<number[]>;
}
