/**
 * The one error base of reelbot. `code` is stable and meant for logs, metrics and branching;
 * `message` carries context for engineers; `userMessage` is the sentence a chat user sees.
 */
export class ReelbotError extends Error {
  readonly code: string;
  readonly userMessage: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; userMessage?: string; context?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.userMessage = options.userMessage ?? 'Something went wrong on our side. Please try again.';
    this.context = options.context ?? {};
  }
}

/** The environment is missing or malformed; the message lists every problem and how to fix it. */
export class ConfigError extends ReelbotError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `reelbot cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** One bad form value; `field` is the schema property name. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Submitted values do not fit the model's schema. Each problem names its field. */
export class ValidationError extends ReelbotError {
  constructor(readonly problems: FieldProblem[]) {
    super('INPUT_INVALID', problems.map((p) => p.message).join('; '), {
      userMessage: `Please fix: ${problems.map((p) => p.message).join('; ')}.`,
    });
  }
}

/** A model's schema cannot be read. */
export class SchemaError extends ReelbotError {
  constructor(model: string, detail: string, cause?: unknown) {
    super('SCHEMA_INVALID', `Schema of ${model} is malformed: ${detail}`, {
      cause,
      userMessage: `The model ${model} publishes an input schema reelbot cannot read.`,
      context: { model },
    });
  }
}

/** A remote API asked us to slow down. */
export class RateLimitError extends ReelbotError {
  constructor(
    readonly retryAfterMs: number,
    service = 'Replicate',
  ) {
    super('RATE_LIMITED', `${service} rate limit; retry after ${retryAfterMs} ms`, {
      userMessage: `${service} is busy right now. Please try again in a minute.`,
      context: { retryAfterMs, service },
    });
  }
}

/** Replicate could not be reached or answered with a server error. */
export class UpstreamError extends ReelbotError {
  constructor(
    message: string,
    readonly status?: number,
    cause?: unknown,
  ) {
    super('UPSTREAM_UNAVAILABLE', message, {
      cause,
      userMessage: 'Replicate cannot be reached right now. Please try again in a few minutes.',
      context: { status },
    });
  }
}

/** Something a user named does not exist (model, generation). */
export class NotFoundError extends ReelbotError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`, {
      userMessage: `I could not find the ${what} "${id}".`,
      context: { what, id },
    });
  }
}

/** A user is over their limit of running jobs. */
export class LimitError extends ReelbotError {
  constructor(message: string, userMessage: string, context: Record<string, unknown> = {}) {
    super('LIMIT_REACHED', message, { userMessage, context });
  }
}

/** Which daily quota a request ran into. */
export type QuotaKind = 'user-videos' | 'server-gpu-seconds' | 'server-usd';

/**
 * A daily quota is used up. `used` and `limit` are in the quota's unit (videos, seconds, dollars);
 * `resetsAt` is when the day ends (ms).
 */
export class QuotaError extends ReelbotError {
  constructor(
    readonly kind: QuotaKind,
    readonly used: number,
    readonly limit: number,
    readonly resetsAt: number,
    userMessage: string,
  ) {
    super('QUOTA_REACHED', `${kind} quota reached: ${used} of ${limit}`, {
      userMessage,
      context: { kind, used, limit, resetsAt },
    });
  }
}

/** A download of a prediction output or a chat attachment failed for good. */
export class DownloadError extends ReelbotError {
  constructor(
    code: `DOWNLOAD_${string}`,
    message: string,
    options: {
      cause?: unknown;
      userMessage?: string;
      retryable?: boolean;
      context?: Record<string, unknown>;
    } = {},
  ) {
    super(code, message, options);
    this.retryable = options.retryable ?? false;
  }
  readonly retryable: boolean;
}

/** A chat attachment is of the wrong type, too big or unreadable. */
export class AttachmentError extends ReelbotError {
  constructor(code: `ATTACHMENT_${string}`, message: string, userMessage: string, cause?: unknown) {
    super(code, message, { userMessage, cause });
  }
}

/** ffmpeg failed, or a video cannot be made to fit a size. */
export class MediaError extends ReelbotError {
  constructor(
    code: `MEDIA_${string}`,
    message: string,
    options: { cause?: unknown; userMessage?: string } = {},
  ) {
    super(code, message, options);
  }
}

/** A scene is invalid or a simulation could not be rendered. */
export class SimulationError extends ReelbotError {
  constructor(
    code: `SIMULATION_${string}` | `RENDER_${string}` | `SCENE_${string}`,
    message: string,
    options: { cause?: unknown; userMessage?: string } = {},
  ) {
    super(code, message, options);
  }
}

/** Plain words for any thrown value, for a chat user. */
export function userMessageOf(error: unknown): string {
  if (error instanceof ReelbotError) return error.userMessage;
  return 'Something went wrong on our side. Please try again.';
}

/** A stable code for any thrown value, for logs. */
export function codeOf(error: unknown): string {
  return error instanceof ReelbotError ? error.code : 'INTERNAL';
}

/** A file a user named cannot be read, or is too large to read whole (`FILE_TOO_LARGE`). */
export class FileError extends ReelbotError {
  constructor(
    code: 'FILE_TOO_LARGE' | 'FILE_UNREADABLE' | 'FILE_UNWRITABLE',
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(code, message, { ...options, userMessage: message });
  }
}
