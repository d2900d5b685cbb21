import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus, GroupSignal, GroupSignalListener } from '../generations/event-bus.js';
import type { GenerationEvent, GenerationListener } from '../generations/types.js';

/**
 * The event bus on Redis pub/sub: an event published in any process (a worker's `progress`) reaches
 * the listeners of every process (the bot that edits the status message, each web process's
 * gallery). A process receives its own events back through Redis, so its listeners see every
 * event in the one order Redis delivered them. Events are JSON: a generation is plain data.
 */
export function createRedisEventBus(options: {
  url: string;
  logger: Logger;
  /** Channel prefix, shared with the job runner's. */
  prefix?: string;
}): EventBus & { ready: Promise<void> } {
  const channel = `${options.prefix ?? 'reelbot'}:events`;
  // Group signals on their own channel, so a generation listener never sees one.
  const groupChannel = `${options.prefix ?? 'reelbot'}:groups`;
  const publisher = new Redis(options.url);
  const subscriber = new Redis(options.url);
  const listeners = new Set<GenerationListener>();
  const groupListeners = new Set<GroupSignalListener>();
  const ready = subscriber.subscribe(channel, groupChannel).then(() => undefined);
  ready.catch((error: unknown) => options.logger.error({ err: error }, 'could not subscribe to events'));
  subscriber.on('message', (from: string, message: string) => {
    let event: GenerationEvent | GroupSignal;
    try {
      event = JSON.parse(message) as GenerationEvent | GroupSignal;
    } catch (error) {
      options.logger.warn({ err: error }, 'an event on Redis was not JSON');
      return;
    }
    if (from === groupChannel) for (const listener of groupListeners) listener(event as GroupSignal);
    else for (const listener of listeners) listener(event as GenerationEvent);
  });
  return {
    ready,
    publish(event) {
      publisher.publish(channel, JSON.stringify(event)).catch((error: unknown) => {
        options.logger.error({ err: error, generationId: event.generation.id }, 'could not publish an event');
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publishGroup(signal) {
      publisher.publish(groupChannel, JSON.stringify(signal)).catch((error: unknown) => {
        options.logger.error({ err: error, groupId: signal.groupId }, 'could not publish a group signal');
      });
    },
    subscribeGroups(listener) {
      groupListeners.add(listener);
      return () => groupListeners.delete(listener);
    },
    async close() {
      // Events published just before close still go out: quit waits for the replies.
      await publisher.quit();
      subscriber.disconnect();
    },
  };
}
