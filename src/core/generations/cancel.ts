import type { Logger } from 'pino';
import { NotFoundError, ReelbotError } from '../errors.js';
import type { ReplicateApi } from '../replicate/client.js';
import type { GenerationStore } from './generation-store.js';
import { type Generation, type GenerationEvent, isFinal } from './types.js';

/** What cancelling reaches into: the record, Replicate, the job queue and a running download. */
export interface CancelDeps {
  store: GenerationStore;
  api: Pick<ReplicateApi, 'cancelPrediction'>;
  logger: Logger;
  clock: () => number;
  emit(event: GenerationEvent): void;
  /** Takes the generation out of the job queue (waiting or running). */
  dequeue(generationId: string): void;
  /** Stops its download, if one is under way. */
  abortDownload(generationId: string): void;
}

/**
 * Cancels a generation for its owner or an admin: asks Replicate to stop the prediction, marks the
 * generation canceled (one guarded transition, so a finish racing the cancel wins or loses whole),
 * and takes it out of the queue. An ended generation is returned as it is.
 */
export async function cancelGeneration(
  deps: CancelDeps,
  generationId: string,
  by: { userId: string; admin?: boolean },
): Promise<Generation> {
  const { store } = deps;
  const generation = await store.get(generationId);
  if (!generation) throw new NotFoundError('generation', generationId);
  if (generation.requester.userId !== by.userId && !by.admin)
    throw new ReelbotError('CANCEL_NOT_ALLOWED', `${by.userId} may not cancel ${generationId}`, {
      userMessage: 'Only the person who asked for this video (or an admin) can cancel it.',
    });
  if (isFinal(generation.status)) return generation;
  const log = deps.logger.child({ generationId });
  await store.update(generationId, { cancelRequested: true });
  if (generation.predictionId)
    await deps.api.cancelPrediction(generation.predictionId).catch((error) => {
      log.warn({ err: error }, 'Replicate did not cancel the prediction');
    });
  const won = await store.transition(generationId, ['queued', 'starting', 'processing', 'downloading'], {
    status: 'canceled',
    completedAt: deps.clock(),
  });
  deps.dequeue(generationId);
  deps.abortDownload(generationId);
  const now = (await store.get(generationId))!;
  if (won) {
    log.info({ by: by.userId, admin: Boolean(by.admin) }, 'generation canceled');
    deps.emit({ type: 'canceled', generation: now });
  }
  return now;
}
