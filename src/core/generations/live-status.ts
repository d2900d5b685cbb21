import type { Timers } from '../timers.js';
import { typicalRunOf, typicalRunWindow } from './estimate.js';
import type { GenerationStore } from './generation-store.js';
import type { JobRunner } from './job-queue.js';
import { createTicker } from './ticker.js';
import { type Generation, type GenerationEvent, isFinal, type TypicalRun } from './types.js';

/**
 * What keeps status messages alive between real changes: a `tick` (or, while waiting, a fresh
 * `queued`) for a generation quiet for `intervalMs`, and the model's typical run on the events of
 * a running one, for the time-left estimate. The service passes every event through `prepare`.
 */
export function createLiveStatus(options: {
  store: Pick<GenerationStore, 'get' | 'recentPredictTimes'>;
  runner: Pick<JobRunner, 'position' | 'place'>;
  timers: Timers;
  intervalMs: number;
  /** The service's emit: the event goes back through `prepare`. */
  emit(event: GenerationEvent): void;
}) {
  const { store, runner } = options;
  const ticker = createTicker({
    intervalMs: options.intervalMs,
    timers: options.timers,
    tick: (generationId) => {
      void store
        .get(generationId)
        .then((generation) => {
          // Checked after the read: the generation may have ended or left the runner meanwhile.
          if (!generation || isFinal(generation.status) || runner.position(generationId) === undefined)
            return;
          const place = runner.place(generationId);
          if (generation.status === 'queued' && place) options.emit({ type: 'queued', generation, ...place });
          else options.emit({ type: 'tick', generation });
        })
        .catch(() => undefined);
    },
  });

  // A model's typical run, read when one of its generations is handed to the runner and again
  // after each of its successes. Events go out synchronously (in order), so they cannot wait for
  // the store: they use what was read by then. The read finishes long before the first event that
  // shows it (`started`, after Replicate answered the create request).
  const typicalRuns = new Map<string, TypicalRun | undefined>();
  const reading = new Set<string>();
  function readTypicalRun(model: string, again = false) {
    if (reading.has(model) || (!again && typicalRuns.has(model))) return;
    reading.add(model);
    void store
      .recentPredictTimes(model, typicalRunWindow)
      .then((times) => typicalRuns.set(model, typicalRunOf(times)))
      .catch(() => undefined)
      .finally(() => reading.delete(model));
  }

  function withEstimate(event: GenerationEvent): GenerationEvent {
    const { generation } = event;
    if (generation.source !== 'replicate') return event;
    if (event.type === 'succeeded') readTypicalRun(generation.model, true);
    if (event.type !== 'started' && event.type !== 'progress' && event.type !== 'tick') return event;
    readTypicalRun(generation.model);
    const typical = typicalRuns.get(generation.model);
    return typical ? { ...event, typical } : event;
  }

  return {
    /** Adds the estimate to an event about to go out, and restarts (or ends) its quiet-time count. */
    prepare(told: GenerationEvent): GenerationEvent {
      const event = withEstimate(told);
      const ended = event.type === 'succeeded' || event.type === 'failed' || event.type === 'canceled';
      if (ended || isFinal(event.generation.status)) ticker.forget(event.generation.id);
      else ticker.touch(event.generation.id);
      return event;
    },
    /** Starts the quiet-time count of a generation just handed to the runner, and reads its model's typical run. */
    watch(generation: Pick<Generation, 'id' | 'model' | 'source'>) {
      ticker.touch(generation.id);
      if (generation.source === 'replicate') readTypicalRun(generation.model);
    },
    close: () => ticker.close(),
  };
}
