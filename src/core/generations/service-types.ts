import type { DeleteBy } from './delete.js';
import type { ExtendPlan, ExtendRequest } from './extend.js';
import type { UsageReport } from './spend/usage.js';
import type { Generation, GenerationListener, GenerationOrigin, Requester } from './types.js';
import type { QueuePlace } from './user-limits.js';
import type { VideoChoices } from './video-choices.js';

/** A chat image to use as a model's image input. The core fetches, checks and uploads it. */
export interface AttachmentInput {
  /** The schema field it fills; the model's first image field when absent. */
  field?: string;
  url: string;
  /** Slack needs `Authorization: Bearer <bot token>` to read `url_private_download`. */
  headers?: Record<string, string>;
  filename?: string;
  /** What the platform says about it, checked again against the bytes. */
  contentType?: string;
  size?: number;
  /** The bytes, when already in hand (a local file given to `reelbot generate --image`): nothing is fetched. */
  data?: Uint8Array;
}

/** Everything a bot hands the core to start a Replicate generation. */
export interface GenerationRequest {
  requester: Requester;
  /** `owner/name`. */
  model: string;
  /** Raw form values as typed by the user (strings, booleans from checkboxes, arrays from selects). */
  values: Record<string, string | boolean | string[] | undefined>;
  attachments?: AttachmentInput[];
  /** Platform message references to keep with the generation (opaque to core). */
  messageRef?: Record<string, unknown>;
  /** The generation this one re-runs with changed values (Edit & re-run), kept as its origin. */
  origin?: GenerationOrigin;
}

/** Everything a bot hands the core to start a physics simulation. */
export interface SimulationRequest {
  requester: Requester;
  prompt: string;
  seed?: number;
  /** A scene to render as it is (e.g. `reelbot simulate --scene`); the prompt is interpreted otherwise. */
  scene?: unknown;
  /** A scene file attached in chat (JSON), fetched and checked like `scene`. */
  sceneFile?: AttachmentInput;
  /** Length, shape and quality of the video. */
  video?: VideoChoices;
  messageRef?: Record<string, unknown>;
}

/**
 * The service bots, the CLI and the web call. Implemented in `src/core/generations/service.ts`.
 * `start` throws `ValidationError` (with one problem per field), `LimitError`, `QuotaError`, `AttachmentError`,
 * `NotFoundError`, `RateLimitError` or `UpstreamError`; anything after it is reported as events.
 */
export interface GenerationService {
  start(request: GenerationRequest): Promise<Generation>;
  /** Same input, new seed. */
  reroll(generationId: string, requester: Requester): Promise<Generation>;
  simulate?(request: SimulationRequest): Promise<Generation>;
  /**
   * Extend: the next part of a finished video from its exact last frame, on an image-to-video
   * model; once it succeeds its event carries the chain joined (`joinedMedia`). Throws
   * `CHAIN_TOO_LONG` at `MAX_CHAIN`, `EXTEND_NOT_READY`, `NO_IMAGE_MODEL`, and what `start` throws.
   */
  extend?(request: ExtendRequest): Promise<Generation>;
  /**
   * What an extend of this video would do (model, the models the requester may pick instead,
   * prompt, part number), without doing it.
   */
  planExtend?(generationId: string, requester?: Requester): Promise<ExtendPlan>;
  /** Cancels a running generation; only its owner or an admin may. */
  cancel(generationId: string, by: { userId: string; admin?: boolean }): Promise<Generation>;
  /**
   * Deletes a video for its requester or an admin: `by.removeFromChat` first, then its media
   * files, then its gallery entry; written to the audit log. Throws `DELETE_NOT_ALLOWED` otherwise.
   */
  delete(generationId: string, by: DeleteBy): Promise<Generation>;
  get(generationId: string): Promise<Generation | undefined>;
  /** What the person used today against the quotas; `admin` adds their server's day and week. */
  usage(requester: Requester, options: { admin: boolean }): Promise<UsageReport>;
  /**
   * Throws `QuotaError` when the person (or their server) has used up a daily quota, so a bot can
   * say so before the person fills a form that `start` would refuse anyway. `videos` asked for at
   * once (a compare's or a batch's clips, 1 by default) must all fit in the person's count.
   */
  checkQuota(requester: Requester, videos?: number): Promise<void>;
  /**
   * Throws what `reroll` would refuse without asking Replicate (the video is gone or leaves nothing
   * to chance, a model or channel not allowed, a quota, the person's running videos), so a bot can
   * refuse a press privately before it posts the new status message for everyone.
   */
  checkReroll(generationId: string, requester: Requester): Promise<void>;
  /**
   * Checks a prompt as `start` would (length, blocked terms, moderation) without starting anything:
   * a group checks its one prompt once, before any clip, so a refused prompt starts none of them.
   */
  checkPrompt(prompt: string, requester: Requester): Promise<void>;
  /** Keeps platform message references (e.g. the status message id) with a generation. */
  setMessageRef(generationId: string, messageRef: Record<string, unknown>): Promise<void>;
  /** Where a waiting generation stands; undefined when it runs or is not held here. */
  queuePlace(generationId: string): QueuePlace | undefined;
  /** Every event of every generation. Returns an unsubscribe function. */
  subscribe(listener: GenerationListener): () => void;
  /** Picks up every unfinished generation after a restart. */
  resume(): Promise<void>;
  /** Stops taking new work and waits for in-flight steps; unfinished work resumes on next start. */
  close(): Promise<void>;
}
