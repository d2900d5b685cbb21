import type { GenerationEvent, GenerationListener } from './types.js';

/**
 * Where the service's events go, so that they reach every process that shows them: the process
 * whose bot edits the chat message, and every web process with gallery pages open. The
 * in-process bus below is the default; the Redis bus (`core/redis/event-bus.ts`) carries events
 * between processes. A bus delivers an event published here to this process's listeners too.
 */
export interface EventBus {
  publish(event: GenerationEvent): void;
  /** Every event, from any process. Returns an unsubscribe function. */
  subscribe(listener: GenerationListener): () => void;
  close(): Promise<void>;
}

/** The one-process bus: publishing calls the listeners at once, in order. */
export function createInProcessEventBus(): EventBus {
  const listeners = new Set<GenerationListener>();
  return {
    publish(event) {
      // The service subscribes one dispatcher that guards each of its own listeners.
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {},
  };
}
