import type { REST } from 'discord.js';
import { createEditThrottle } from '../../../core/chat/edit-throttle.js';
import { codeOf } from '../../../core/errors.js';
import type { Generation, GenerationEvent } from '../../../core/generations/types.js';
import { isFinal } from '../../../core/generations/types.js';
import type { QueuePlace } from '../../../core/generations/user-limits.js';
import type { Logger } from '../../../core/logger.js';
import type { Timers } from '../../../core/timers.js';
import { createMessageEditor, isTooLarge, type MessageEdit } from './editor.js';
import { buildFinalMessage, type FinalMessage, type FinalMessageDeps } from './final-message.js';
import type { DiscordMessageRef } from './status-ref.js';
import { endedBody, runningBody, viewOf } from './view.js';

export interface StatusMessageOptions {
  generation: Generation;
  ref: DiscordMessageRef;
  rest: REST;
  clock: () => number;
  timers: Timers;
  /** Least time between two edits of this message (1.5 s). */
  intervalMs: number;
  logger: Logger;
  final: FinalMessageDeps;
  /** Keeps the ref with the generation (message id learnt, token expired, final shown). */
  saveRef(ref: DiscordMessageRef): void;
  /** Called once the final state is on the message (or could not be put there). */
  onDone(): void;
}

interface Pending {
  edit: MessageEdit;
  fallback?: MessageEdit;
  final?: FinalMessage | true;
}

/**
 * The one message that follows a generation: queued (with position), starting, generating (percent,
 * elapsed), saving, then the final video. Edits are throttled; the newest state always wins.
 */
export function createStatusMessage(options: StatusMessageOptions) {
  const { generation: first, clock, logger } = options;
  const log = logger.child({ generationId: first.id });
  let queuePlace: QueuePlace | undefined;
  let finalStarted = false;
  let building: Promise<void> = Promise.resolve();
  let done = false;

  const editor = createMessageEditor({
    rest: options.rest,
    ref: options.ref,
    clock,
    onRefChange: (ref) => options.saveRef(ref),
  });

  const finish = () => {
    if (done) return;
    done = true;
    options.onDone();
  };

  const throttle = createEditThrottle<Pending>({
    intervalMs: options.intervalMs,
    clock,
    timers: options.timers,
    async send(pending) {
      try {
        try {
          await editor.edit(pending.edit);
        } catch (error) {
          if (!pending.fallback || !isTooLarge(error)) throw error;
          log.warn({ code: codeOf(error) }, 'Discord refused the video as too large; sending the poster');
          await editor.edit(pending.fallback);
        }
        if (pending.final) editor.update({ finalShown: true });
      } finally {
        if (pending.final && pending.final !== true) await pending.final.cleanup();
        if (pending.final) finish();
      }
    },
    onError(error, pending) {
      log.warn(
        { err: error, code: codeOf(error), final: Boolean(pending.final) },
        'could not edit the Discord status message',
      );
    },
  });

  function showFinal(generation: Generation, event?: GenerationEvent) {
    const view = viewOf(generation, { now: clock(), event });
    if (generation.status !== 'succeeded') {
      throttle.push({ edit: { body: endedBody(generation, view, options.final.links) }, final: true });
      return;
    }
    // Flagged in an age-restricted category: a spoiler unless the channel is age-restricted itself.
    const spoiler = (generation.restrictedCategories?.length ?? 0) > 0 && editor.ref.nsfwChannel !== true;
    building = buildFinalMessage(generation, view, editor.ref.attachmentSizeLimit, {
      ...options.final,
      spoiler,
    }).then(
      (final) => throttle.push({ edit: final.edit, fallback: final.fallback, final }),
      (error: unknown) => {
        log.error({ err: error, code: codeOf(error) }, 'could not prepare the final Discord message');
        throttle.push({ edit: { body: endedBody(generation, view, options.final.links) }, final: true });
      },
    );
  }

  return {
    /** Shows `generation` as it is now; `event` adds what only the event carries. */
    update(generation: Generation, event?: GenerationEvent, place?: QueuePlace) {
      if (finalStarted || done) return;
      if (event?.type === 'queued') queuePlace = { position: event.position, ownAhead: event.ownAhead };
      else if (place !== undefined) queuePlace = place;
      if (generation.status !== 'queued') queuePlace = undefined;
      if (isFinal(generation.status)) {
        finalStarted = true;
        showFinal(generation, event);
        return;
      }
      const view = viewOf(generation, { now: clock(), event, queuePlace });
      throttle.push({ edit: { body: runningBody(generation, view) } });
    },
    /** Resolves once every state given so far is on the message. */
    async idle() {
      await building;
      await throttle.idle();
    },
    close() {
      throttle.close();
    },
    get done() {
      return done;
    },
  };
}

export type StatusMessage = ReturnType<typeof createStatusMessage>;
