import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus } from '../generations/event-bus.js';
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
  const publisher = new Redis(options.url);
  const subscriber = new Redis(options.url);
  const listeners = new Set<GenerationListener>();
  const ready = subscriber.subscribe(channel).then(() => undefined);
  ready.catch((error: unknown) => options.logger.error({ err: error }, 'could not subscribe to events'));
  subscriber.on('message', (_channel: string, message: string) => {
    let event: GenerationEvent;
    try {
      event = JSON.parse(message) as GenerationEvent;
    } catch (error) {
      options.logger.warn({ err: error }, 'an event on Redis was not JSON');
      return;
    }
    for (const listener of listeners) listener(event);
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
    async close() {
      // Events published just before close still go out: quit waits for the replies.
      await publisher.quit();
      subscriber.disconnect();
    },
  };
}
