import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ReelbotError } from '../errors.js';
import type { Requester } from './types.js';

/** One thing to moderate: a prompt, or an image as a `data:` URL. */
export type ModerationInput =
  | { kind: 'text'; text: string }
  | { kind: 'image'; dataUrl: string; mime: string };

/**
 * A moderation service: OpenAI's `omni-moderation-latest` in production (src/moderation/openai.ts).
 * Answers the categories it flagged, as the service names them (`violence`, `sexual/minors`...),
 * empty when nothing was. Throws when it cannot answer; `signal` ends the call.
 */
export interface Moderator {
  moderate(inputs: ModerationInput[], signal: AbortSignal): Promise<string[]>;
}

/** OpenAI's category names, in the words a person reads; others have their slashes and dashes spaced. */
const plainWords: Record<string, string> = {
  'sexual/minors': 'sexual content involving minors',
  'violence/graphic': 'graphic violence',
  'self-harm/intent': 'self-harm intent',
  'self-harm/instructions': 'self-harm instructions',
  'harassment/threatening': 'threatening harassment',
  'hate/threatening': 'threatening hate',
  illicit: 'illicit activity',
  'illicit/violent': 'violent illicit activity',
  sexual: 'sexual content',
};

/** A category in plain words: `violence/graphic` → `graphic violence`. */
export function categoryInWords(category: string): string {
  return plainWords[category] ?? category.replace(/[/_-]+/g, ' ');
}

function listInWords(categories: string[]): string {
  const words = categories.map(categoryInWords);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A prompt or image the moderation service flagged in a category that is refused. */
export function promptFlagged(categories: string[], what: 'prompt' | 'image'): ReelbotError {
  return new ReelbotError('PROMPT_FLAGGED', `${what} flagged by moderation: ${categories.join(', ')}`, {
    userMessage: `This ${what} was flagged for ${listInWords(categories)}.`,
    context: { categories, what },
  });
}

/** The moderation service could not answer, and `MODERATION_FAIL=closed` refuses unchecked prompts. */
export function moderationUnavailable(cause: unknown): ReelbotError {
  return new ReelbotError(
    'MODERATION_UNAVAILABLE',
    `moderation did not answer: ${cause instanceof Error ? cause.message : String(cause)}`,
    {
      cause,
      userMessage:
        'reelbot cannot check prompts right now (the moderation service is not answering). Please try again in a few minutes.',
    },
  );
}

export interface ModerationGateDeps {
  /** Absent without OPENAI_API_KEY: then nothing is sent and everything passes. */
  moderator?: Moderator;
  config: Pick<Config, 'moderation'>;
  logger: Logger;
  clock?: () => number;
}

/**
 * How long an answer of the moderation service is reused for the same prompt or image: a compare's
 * or a batch's clips share one prompt (and a batch its images), checked once rather than per clip.
 */
const rememberMs = 10 * 60 * 1000;
/** Answers kept at most; the oldest is forgotten first. */
const rememberedMax = 500;

function keyOf(input: ModerationInput): string {
  const content = input.kind === 'text' ? `text:${input.text}` : `image:${input.dataUrl}`;
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The check every prompt and attached image passes before anything is uploaded or predicted.
 * Categories in `MODERATION_NSFW_CATEGORIES` are let through but returned, so the generation is
 * marked and posted as a spoiler outside age-restricted channels; any other flagged category is
 * refused (`PROMPT_FLAGGED`), logged for the operator. When the service fails or takes longer than
 * `timeoutMs`, `MODERATION_FAIL` decides: `closed` refuses (`MODERATION_UNAVAILABLE`), `open`
 * lets the request through unmarked, with a warning in the log. An answer is reused for the same
 * text or image for ten minutes, so a group's shared prompt is sent once.
 */
export function createModerationGate(deps: ModerationGateDeps) {
  const { moderator, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const { fail, nsfwCategories, timeoutMs } = deps.config.moderation;
  const allowed = new Set(nsfwCategories);
  // Only answers are kept: a failure (down, too slow) is asked again next time.
  const answers = new Map<string, { flagged: string[]; at: number }>();

  async function flaggedOf(input: ModerationInput): Promise<string[]> {
    const key = keyOf(input);
    const kept = answers.get(key);
    if (kept && clock() - kept.at < rememberMs) return kept.flagged;
    const flagged = await moderator!.moderate([input], AbortSignal.timeout(timeoutMs));
    answers.delete(key);
    answers.set(key, { flagged, at: clock() });
    if (answers.size > rememberedMax) answers.delete(answers.keys().next().value!);
    return flagged;
  }

  /** Returns the flagged categories that only restrict where the video is shown; throws to refuse. */
  async function check(input: ModerationInput, requester: Requester): Promise<string[]> {
    if (!moderator) return [];
    const what = input.kind === 'text' ? 'prompt' : 'image';
    let flagged: string[];
    try {
      flagged = await flaggedOf(input);
    } catch (error) {
      const context = { err: error, platform: requester.platform, user: requester.userId, fail };
      if (fail === 'open') {
        logger.warn(
          context,
          `moderation did not answer; ${what} let through unchecked (MODERATION_FAIL=open)`,
        );
        return [];
      }
      logger.warn(
        { ...context, code: 'MODERATION_UNAVAILABLE' },
        `${what} refused: moderation did not answer`,
      );
      throw moderationUnavailable(error);
    }
    const refused = flagged.filter((category) => !allowed.has(category));
    const restricted = flagged.filter((category) => allowed.has(category));
    if (refused.length > 0) {
      logger.warn(
        { code: 'PROMPT_FLAGGED', categories: flagged, platform: requester.platform, user: requester.userId },
        `${what} refused: flagged by moderation`,
      );
      throw promptFlagged(refused, what);
    }
    if (restricted.length > 0)
      logger.info(
        { categories: restricted, platform: requester.platform, user: requester.userId },
        `${what} flagged in an age-restricted category: the video will be a spoiler outside nsfw channels`,
      );
    return restricted;
  }

  return {
    /** Whether anything is checked at all (OPENAI_API_KEY is set). */
    enabled: moderator !== undefined,
    /** Checks a prompt; returns the age-restricted categories it was flagged in. */
    checkText: (text: string, requester: Requester) =>
      text.trim() ? check({ kind: 'text', text }, requester) : Promise.resolve([]),
    /** Checks an image's bytes (sent as a data URL); returns the age-restricted categories. */
    checkImage: (bytes: Uint8Array, mime: string, requester: Requester) =>
      check(
        { kind: 'image', mime, dataUrl: `data:${mime};base64,${Buffer.from(bytes).toString('base64')}` },
        requester,
      ),
  };
}

export type ModerationGate = ReturnType<typeof createModerationGate>;

/** Both lists of age-restricted categories as one, without repeats; undefined when empty. */
export function mergeRestricted(...lists: (string[] | undefined)[]): string[] | undefined {
  const merged = [...new Set(lists.flatMap((list) => list ?? []))];
  return merged.length > 0 ? merged : undefined;
}
