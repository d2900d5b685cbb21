import type { webApi } from '@slack/bolt';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import { createKeyedEditThrottle } from '../../../core/chat/keyed-edit-throttle.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import { type Generation, type GenerationEvent, isFinal } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import type { Timers } from '../../../core/timers.js';
import { errorCodeOf } from '../slack-errors.js';
import type { Deliver } from './delivery.js';
import { renderEvent } from './render.js';
import { type StatusRef, statusRefOf } from './status-ref.js';

/** Events of generations whose status message is not posted yet, and finished ids, at most this many. */
const maxRemembered = 500;

/** Keeps every Slack status message in step with its generation's events. */
export interface StatusTracker {
  /** Renders one event; events of other platforms, and repeats, are ignored. */
  render(event: GenerationEvent): void;
  /** Ties a generation to the status message just posted for it. */
  register(generationId: string, ref: StatusRef): void;
  /** Shows the end of a generation that finished while the bot was away. */
  catchUp(generation: Generation): void;
  /** Sends every waiting edit and waits for edits and uploads in flight. */
  flush(): Promise<void>;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V) {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxRemembered) map.delete(map.keys().next().value as K);
}

/** The final event of a finished generation, rebuilt from the stored generation. */
function finalEvent(generation: Generation): GenerationEvent | undefined {
  if (generation.status === 'succeeded' && generation.media)
    return { type: 'succeeded', generation, media: generation.media };
  if (generation.status === 'failed') return { type: 'failed', generation, reason: generation.error ?? '' };
  if (generation.status === 'canceled') return { type: 'canceled', generation };
  return undefined;
}

/**
 * Turns generation events into `chat.update`s of the status message, throttled per generation,
 * and hands the finished video to `deliver`. An event that comes before the status message is
 * posted (the service is fast, Slack is far) waits until `register`. Once the final state is
 * shown, the reference is marked `closed` so a restart does not edit it again.
 */
export function createStatusTracker(deps: {
  client: webApi.WebClient;
  links: GalleryLinks;
  /** Whether favorites are kept, so finished videos get a Favorite button. */
  favorites?: boolean;
  /** Whether the service can extend videos, so finished videos get an Extend button. */
  extend?: boolean;
  service: Pick<GenerationService, 'setMessageRef'>;
  logger: Logger;
  clock: () => number;
  timers: Timers;
  intervalMs: number;
  deliver: Deliver;
}): StatusTracker {
  const refs = new Map<string, StatusRef>();
  const waiting = new Map<string, GenerationEvent>();
  const finished = new Map<string, true>();
  const lastSeen = new Map<string, GenerationEvent>();
  const deliveries = new Set<Promise<void>>();

  const throttle = createKeyedEditThrottle<GenerationEvent>({
    intervalMs: deps.intervalMs,
    clock: deps.clock,
    timers: deps.timers,
    async send(id, event) {
      const ref = refs.get(id);
      if (!ref) return;
      const message = renderEvent(event, deps.clock(), deps.links.generation(event.generation), {
        favorites: deps.favorites,
        extend: deps.extend,
        downloadUrl: event.generation.media ? deps.links.download(event.generation) : undefined,
      });
      if (!isFinal(event.generation.status)) {
        await deps.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
        return;
      }
      refs.delete(id);
      let shown = ref;
      try {
        await deps.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
        shown = { ...ref, closed: true };
        await deps.service.setMessageRef(id, { ...shown });
      } finally {
        // The video goes into the thread even when the last edit failed; a restart retries the edit.
        if (event.type === 'succeeded') await deps.deliver(event.generation, event.media, shown);
      }
    },
    onError(error, id) {
      deps.logger.warn(
        { err: error, generationId: id, code: errorCodeOf(error) },
        'Slack status update failed',
      );
    },
  });

  function push(event: GenerationEvent) {
    const final = isFinal(event.generation.status);
    if (final) remember(finished, event.generation.id, true);
    throttle.push(event.generation.id, event, { final });
  }

  return {
    render(event) {
      const { generation } = event;
      if (generation.requester.platform !== 'slack' || finished.has(generation.id)) return;
      // The same event twice (two subscriptions) must not edit, or upload, twice.
      if (lastSeen.get(generation.id) === event) return;
      remember(lastSeen, generation.id, event);
      let ref = refs.get(generation.id);
      if (!ref) {
        ref = statusRefOf(generation.messageRef);
        if (ref?.closed) return;
        if (ref) refs.set(generation.id, ref);
      }
      if (!ref) return remember(waiting, generation.id, event);
      push(event);
    },

    register(generationId, ref) {
      refs.set(generationId, ref);
      const event = waiting.get(generationId);
      waiting.delete(generationId);
      if (event) push(event);
    },

    catchUp(generation) {
      const ref = statusRefOf(generation.messageRef);
      const event = finalEvent(generation);
      if (!ref || !event || finished.has(generation.id)) return;
      if (ref.closed) {
        if (event.type === 'succeeded' && !ref.delivered) {
          remember(finished, generation.id, true);
          const delivery = deps
            .deliver(generation, event.media, ref)
            .finally(() => deliveries.delete(delivery));
          deliveries.add(delivery);
        }
        return;
      }
      refs.set(generation.id, ref);
      push(event);
    },

    async flush() {
      await throttle.flush();
      await Promise.all(deliveries);
    },
  };
}
