import type { REST } from 'discord.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Generation, GenerationEvent } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import type { Timers } from '../../../core/timers.js';
import type { FinalMessageDeps } from './final-message.js';
import { createStatusMessage, type StatusMessage } from './message.js';
import { asDiscordMessageRef, type DiscordMessageRef } from './status-ref.js';

export interface StatusMessagesOptions {
  rest: REST;
  service: GenerationService;
  clock: () => number;
  timers: Timers;
  intervalMs: number;
  logger: Logger;
  final: FinalMessageDeps;
  /** Whether this process answers for a guild (sharding); every guild when absent. */
  ownsGuild?: (guildId: string | undefined) => boolean;
}

/**
 * Every live status message, by generation id. Service events for Discord generations become
 * edits; a generation whose message is not known yet (after a restart) gets one from its
 * `messageRef`.
 */
export function createStatusMessages(options: StatusMessagesOptions) {
  const live = new Map<string, StatusMessage>();
  // Events heard per generation, so `follow` can tell whether one overtook its read of the store.
  const heard = new Map<string, number>();
  let closed = false;

  function ensure(generation: Generation, ref?: DiscordMessageRef): StatusMessage | undefined {
    const existing = live.get(generation.id);
    if (existing) return existing;
    const known = ref ?? asDiscordMessageRef(generation.messageRef);
    if (!known || known.finalShown) return undefined;
    if (options.ownsGuild && !options.ownsGuild(known.guildId)) return undefined;
    const message = createStatusMessage({
      generation,
      ref: known,
      rest: options.rest,
      clock: options.clock,
      timers: options.timers,
      intervalMs: options.intervalMs,
      logger: options.logger,
      final: options.final,
      saveRef: (next) => {
        options.service.setMessageRef(generation.id, { ...next }).catch((error: unknown) => {
          options.logger.warn({ err: error, generationId: generation.id }, 'could not keep the message ref');
        });
      },
      onDone: () => {
        if (live.get(generation.id) === message) live.delete(generation.id);
        heard.delete(generation.id);
      },
    });
    live.set(generation.id, message);
    return message;
  }

  const queuePlace = (id: string) => options.service.queuePlace(id);

  return {
    /** Renders one service event (events of other platforms are ignored). */
    handle(event: GenerationEvent) {
      if (closed || event.generation.requester.platform !== 'discord') return;
      const message = ensure(event.generation);
      if (!message) return;
      heard.set(event.generation.id, (heard.get(event.generation.id) ?? 0) + 1);
      message.update(event.generation, event);
    },
    /**
     * Starts following a generation whose status message is `ref` and shows its current state
     * (events may have come before the message was known).
     */
    async follow(generation: Generation, ref: DiscordMessageRef): Promise<void> {
      if (closed) return;
      // Known at once, so events from now on reach the message while the store is read.
      const message = ensure(generation, ref);
      if (!message) return;
      const before = heard.get(generation.id) ?? 0;
      const current = (await options.service.get(generation.id)) ?? generation;
      // An event heard meanwhile is newer than what was read: showing the read would step back.
      if (closed || (heard.get(generation.id) ?? 0) !== before) return;
      message.update(current, undefined, queuePlace(current.id));
    },
    /** Picks up the status messages of generations a previous process left. */
    resume(generations: Generation[]) {
      for (const generation of generations) {
        if (closed) return;
        if (generation.requester.platform !== 'discord') continue;
        ensure(generation)?.update(generation, undefined, queuePlace(generation.id));
      }
    },
    /** Resolves once every status message shows the newest state it was given. */
    async idle() {
      await Promise.all([...live.values()].map((message) => message.idle()));
    },
    /** Lets edits in flight finish, then drops the rest. */
    async close() {
      closed = true;
      await Promise.all([...live.values()].map((message) => message.idle()));
      for (const message of live.values()) message.close();
      live.clear();
    },
    get size() {
      return live.size;
    },
  };
}

export type StatusMessages = ReturnType<typeof createStatusMessages>;
