import type { ReplicatePrediction } from '../replicate/types.js';
import type { GenerationEvent, GenerationListener } from './types.js';

/**
 * That a group (compare, batch) ended: only its id travels, since the group and its members are
 * read from the shared store. The grid is composed by one process (a worker on REDIS_URL) while
 * another (the bot) owns the chat message, so the bot learns of the end from this signal.
 */
export interface GroupSignal {
  type: 'group-finished';
  groupId: string;
}

export type GroupSignalListener = (signal: GroupSignal) => void;

/**
 * A prediction's final snapshot, from a webhook that reached a process which performs no jobs (a
 * `web` process). The worker tracking that generation applies it at once, rather than at its next
 * poll; the other processes ignore it. The snapshot travels whole, so the worker need not ask
 * Replicate again: its signature was checked where it arrived.
 */
export interface PredictionSignal {
  type: 'prediction-final';
  generationId: string;
  prediction: ReplicatePrediction;
}

export type PredictionSignalListener = (signal: PredictionSignal) => void;

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
  /** Tells every process (this one too) that a group ended. */
  publishGroup(signal: GroupSignal): void;
  /** Group signals from any process. Returns an unsubscribe function. */
  subscribeGroups(listener: GroupSignalListener): () => void;
  /** Hands a webhook's final snapshot to whichever process tracks the prediction. */
  publishPrediction(signal: PredictionSignal): void;
  /** Prediction signals from any process. Returns an unsubscribe function. */
  subscribePredictions(listener: PredictionSignalListener): () => void;
  close(): Promise<void>;
}

/** The one-process bus: publishing calls the listeners at once, in order. */
export function createInProcessEventBus(): EventBus {
  const listeners = new Set<GenerationListener>();
  const groupListeners = new Set<GroupSignalListener>();
  const predictionListeners = new Set<PredictionSignalListener>();
  return {
    publish(event) {
      // The service subscribes one dispatcher that guards each of its own listeners.
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publishGroup(signal) {
      for (const listener of groupListeners) listener(signal);
    },
    subscribeGroups(listener) {
      groupListeners.add(listener);
      return () => groupListeners.delete(listener);
    },
    publishPrediction(signal) {
      for (const listener of predictionListeners) listener(signal);
    },
    subscribePredictions(listener) {
      predictionListeners.add(listener);
      return () => predictionListeners.delete(listener);
    },
    close: async () => {},
  };
}
