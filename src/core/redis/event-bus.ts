import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type {
  EventBus,
  GroupSignal,
  GroupSignalListener,
  PredictionSignal,
  PredictionSignalListener,
} from '../generations/event-bus.js';
import type { GenerationEvent, GenerationListener } from '../generations/types.js';

/** What each channel carries, so that a listener of one never sees a message of another. */
interface Messages {
  events: GenerationEvent;
  groups: GroupSignal;
  predictions: PredictionSignal;
}
type ChannelName = keyof Messages;
const channelNames: ChannelName[] = ['events', 'groups', 'predictions'];

/**
 * The event bus on Redis pub/sub: an event published in any process (a worker's `progress`) reaches
 * the listeners of every process (the bot that edits the status message, each web process's
 * gallery). A process receives its own events back through Redis, so its listeners see every
 * event in the one order Redis delivered them. Events are JSON: a generation is plain data. Group
 * signals and prediction signals (a web process's webhook, for the worker tracking it) travel on
 * channels of their own.
 */
export function createRedisEventBus(options: {
  url: string;
  logger: Logger;
  /** Channel prefix, shared with the job runner's. */
  prefix?: string;
}): EventBus & { ready: Promise<void> } {
  const prefix = options.prefix ?? 'reelbot';
  const channelOf = (name: ChannelName) => `${prefix}:${name}`;
  const publisher = new Redis(options.url);
  const subscriber = new Redis(options.url);
  const listeners: { [name in ChannelName]: Set<(message: Messages[name]) => void> } = {
    events: new Set<GenerationListener>(),
    groups: new Set<GroupSignalListener>(),
    predictions: new Set<PredictionSignalListener>(),
  };
  const byChannel = new Map(channelNames.map((name) => [channelOf(name), name]));
  const ready = subscriber.subscribe(...byChannel.keys()).then(() => undefined);
  ready.catch((error: unknown) => options.logger.error({ err: error }, 'could not subscribe to events'));
  subscriber.on('message', (from: string, text: string) => {
    const name = byChannel.get(from);
    if (!name) return;
    let message: Messages[ChannelName];
    try {
      message = JSON.parse(text) as Messages[ChannelName];
    } catch (error) {
      options.logger.warn({ err: error, channel: from }, 'a message on Redis was not JSON');
      return;
    }
    for (const listener of listeners[name]) (listener as (m: Messages[ChannelName]) => void)(message);
  });

  function publish<N extends ChannelName>(name: N, message: Messages[N], context: object): void {
    publisher.publish(channelOf(name), JSON.stringify(message)).catch((error: unknown) => {
      options.logger.error({ err: error, ...context }, `could not publish on ${name}`);
    });
  }
  function subscribe<N extends ChannelName>(name: N, listener: (message: Messages[N]) => void) {
    const set = listeners[name] as Set<(message: Messages[N]) => void>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  return {
    ready,
    publish: (event) => publish('events', event, { generationId: event.generation.id }),
    subscribe: (listener) => subscribe('events', listener),
    publishGroup: (signal) => publish('groups', signal, { groupId: signal.groupId }),
    subscribeGroups: (listener) => subscribe('groups', listener),
    publishPrediction: (signal) =>
      publish('predictions', signal, {
        generationId: signal.generationId,
        predictionId: signal.prediction.id,
      }),
    subscribePredictions: (listener) => subscribe('predictions', listener),
    async close() {
      // Events published just before close still go out: quit waits for the replies.
      await publisher.quit();
      subscriber.disconnect();
    },
  };
}
