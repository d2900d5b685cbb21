/** Where a generation came from and where its messages go. */
export type Platform = 'discord' | 'slack' | 'cli' | 'web';

/** What made the video. */
export type GenerationSource = 'replicate' | 'simulation';

/**
 * The life of a generation. `starting` means the prediction request is being sent (the intent is
 * recorded first, so a crash in between never creates a second prediction).
 */
export type GenerationStatus =
  | 'queued'
  | 'starting'
  | 'processing'
  | 'downloading'
  | 'succeeded'
  | 'failed'
  | 'canceled';

export const finalStatuses: readonly GenerationStatus[] = ['succeeded', 'failed', 'canceled'];

export function isFinal(status: GenerationStatus): boolean {
  return finalStatuses.includes(status);
}

/** The person and place a generation belongs to. */
export interface Requester {
  platform: Platform;
  /** Discord guild id or Slack team id; absent in DMs and on the command line. */
  workspaceId?: string;
  channelId?: string;
  userId: string;
  userName?: string;
}

/** The stored result of a generation. */
export interface StoredMedia {
  /** Path relative to DATA_DIR, e.g. `media/g_abc.mp4`. */
  path: string;
  sha256: string;
  bytes: number;
  mime: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** Poster JPEG, relative to DATA_DIR. */
  posterPath?: string;
}

/**
 * What running a generation used: Replicate's `metrics` of its prediction (`predict_time` is the
 * billed compute seconds), or the local CPU a simulation took.
 */
export interface GenerationMetrics {
  /** Replicate's `metrics.predict_time`, in seconds. */
  predictTime?: number;
  /** Local CPU seconds of a simulation: the render worker's and ffmpeg's. */
  cpuTime?: number;
  /** Replicate's other metrics, as it named them (`total_time`, token counts...). */
  other?: Record<string, unknown>;
}

/**
 * The generation another came from: `extend` continues its last frame, `edit` re-ran its form with
 * changed values, `reroll` ran its input again with a new seed.
 */
export interface GenerationOrigin {
  kind: 'extend' | 'edit' | 'reroll';
  generationId: string;
}

/** One generation as the store holds it. */
export interface Generation {
  id: string;
  source: GenerationSource;
  requester: Requester;
  /** `owner/name` for Replicate models, `physics` for simulations. */
  model: string;
  version?: string;
  prompt?: string;
  /** The typed input sent to Replicate, or the scene of a simulation. */
  input: Record<string, unknown>;
  seed?: number;
  predictionId?: string;
  status: GenerationStatus;
  /** A sentence a person understands. */
  error?: string;
  errorCode?: string;
  /** Replicate's own error text, kept whole. */
  upstreamError?: string;
  /** 0..100 while processing. */
  progress?: number;
  lastLog?: string;
  media?: StoredMedia;
  /** Further outputs of an array output, recorded but not downloaded. */
  extraOutputs?: string[];
  metrics?: GenerationMetrics;
  /** Estimated cost in US dollars, from the price table; absent when the price is unknown. */
  costUsd?: number;
  /**
   * Moderation categories its prompt or image was flagged in that are allowed only in age-restricted
   * channels (MODERATION_NSFW_CATEGORIES): its video is a spoiler elsewhere, its poster blurred.
   */
  restrictedCategories?: string[];
  /** The generation this one was made from, when it was made from one. */
  origin?: GenerationOrigin;
  /**
   * The chain of extends it belongs to: the id of the chain's first part (set on every part, the
   * first one included, once the chain has a second part).
   */
  chainId?: string;
  /** The chain's parts up to this one, joined into one video (kept on the part that made it). */
  joinedMedia?: StoredMedia;
  /** Platform message references the bot needs to edit its status message later (opaque to core). */
  messageRef?: Record<string, unknown>;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  updatedAt: number;
}

/** What this model's past runs say about how long a run takes (see estimate.ts). */
export interface TypicalRun {
  /** The median run time of its recent successes, in ms. */
  ms: number;
  /** How many runs that median is of. */
  runs: number;
}

/** What the service tells subscribers as a generation moves. */
export type GenerationEvent =
  | {
      type: 'queued';
      generation: Generation;
      /** 1-based place among every waiting generation. */
      position: number;
      /** How many of the same person's generations are ahead of it, when their limit holds it back. */
      ownAhead?: number;
    }
  | { type: 'started'; generation: Generation; typical?: TypicalRun }
  | { type: 'progress'; generation: Generation; percent?: number; log?: string; typical?: TypicalRun }
  /**
   * Nothing changed for a while (8 s): sent so the elapsed time on status messages moves even
   * when the model prints nothing.
   */
  | { type: 'tick'; generation: Generation; typical?: TypicalRun }
  | { type: 'downloading'; generation: Generation }
  | { type: 'succeeded'; generation: Generation; media: StoredMedia }
  | { type: 'failed'; generation: Generation; reason: string; upstreamError?: string }
  | { type: 'canceled'; generation: Generation };

export type GenerationListener = (event: GenerationEvent) => void;
