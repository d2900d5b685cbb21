import type { Logger } from 'pino';
import { NotFoundError, ReelbotError } from '../errors.js';
import type { MediaStorage } from '../media/storage.js';
import type { GenerationStore } from './generation-store.js';
import { type Generation, isFinal } from './types.js';

/** What deleting reaches into: the record, the media, and cancelling a generation still running. */
export interface DeleteDeps {
  store: GenerationStore;
  storage: Pick<MediaStorage, 'remove'>;
  logger: Logger;
  cancel(generationId: string, by: { userId: string; admin?: boolean }): Promise<Generation>;
}

/** Who deletes, and the step that takes the video off their platform's message, run first. */
export interface DeleteBy {
  userId: string;
  /** Manage Messages on Discord, a workspace admin on Slack, the signed-in operator on the web. */
  admin?: boolean;
  removeFromChat?: (generation: Generation) => Promise<void>;
}

/** The refusal to someone who neither asked for the video nor may manage others'. */
export function deleteNotAllowed(userId: string, generationId: string): ReelbotError {
  return new ReelbotError('DELETE_NOT_ALLOWED', `${userId} may not delete ${generationId}`, {
    userMessage: 'Only the person who asked for this video (or a moderator) can delete it.',
    context: { generationId, userId },
  });
}

/**
 * Deletes a video for its requester or an admin, in the order people see it go: the chat message
 * first (so no one keeps watching it), then the media files, then the gallery entry. A generation
 * still running is canceled first, so no job writes files after they were removed. Written to the
 * log as an audit line.
 */
export async function deleteGeneration(
  deps: DeleteDeps,
  generationId: string,
  by: DeleteBy,
): Promise<Generation> {
  const { store } = deps;
  const generation = await store.get(generationId);
  if (!generation) throw new NotFoundError('generation', generationId);
  if (generation.requester.userId !== by.userId && !by.admin) throw deleteNotAllowed(by.userId, generationId);
  if (!isFinal(generation.status)) await deps.cancel(generationId, { userId: by.userId, admin: true });
  // Read again: the job may have recorded its files while it was being canceled.
  const current = (await store.get(generationId)) ?? generation;
  await by.removeFromChat?.(current);
  const files = [current.media?.path, current.media?.posterPath, current.joinedMedia?.path].filter(
    (file): file is string => Boolean(file),
  );
  for (const file of files) await deps.storage.remove(file);
  await store.delete(generationId);
  deps.logger.info(
    {
      audit: 'delete',
      generationId,
      by: by.userId,
      admin: Boolean(by.admin),
      requester: current.requester.userId,
      files,
    },
    'generation deleted',
  );
  return current;
}
