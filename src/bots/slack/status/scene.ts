import type { App, BlockAction, ButtonAction, webApi } from '@slack/bolt';
import { NotFoundError } from '../../../core/errors.js';
import { createKeyedLock } from '../../../core/generations/keyed-lock.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Logger } from '../../../core/logger.js';
import { errorCodeOf, plainWords, slackProblemOf } from '../slack-errors.js';
import { sceneActionId } from './render.js';
import { statusRefOf } from './status-ref.js';

/** Whether the file is still in Slack: someone may have deleted the scene file from the thread. */
async function fileExists(client: webApi.WebClient, file: string): Promise<boolean> {
  try {
    await client.files.info({ file });
    return true;
  } catch (error) {
    const problem = slackProblemOf(error)?.error;
    if (problem === 'file_not_found' || problem === 'file_deleted') return false;
    throw error;
  }
}

/**
 * The Scene button under a simulation that ended (done, failed or canceled): uploads the scene it rendered as a JSON file into
 * the video's thread (Slack has no private files), for people to edit and give back to `/simulate scene`.
 * The thread is public, so the file is put there once: a later press, by anyone, after a restart
 * too, is told where it is (the file's id is kept with the status message's ref).
 */
export function registerScene(
  app: App,
  deps: {
    service: Pick<GenerationService, 'get' | 'setMessageRef'>;
    client: webApi.WebClient;
    logger: Logger;
  },
) {
  const { client, logger } = deps;
  // A double click: the second press waits for the first one's upload, then is told where it is.
  const presses = createKeyedLock();
  app.action<BlockAction<ButtonAction>>(sceneActionId, async ({ ack, action, respond }) => {
    await ack();
    const generationId = action.value ?? '';
    await presses.run(generationId, async () => {
      try {
        const generation = await deps.service.get(generationId);
        if (!generation) throw new NotFoundError('generation', generationId);
        const ref = statusRefOf(generation.messageRef);
        if (generation.input.scene === undefined || !ref) {
          await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: 'This video has no scene to send.',
          });
          return;
        }
        const fileName = `scene-${generation.id}.json`;
        if (ref.sceneFileId && (await fileExists(client, ref.sceneFileId))) {
          await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: `The scene of this video is in its thread already, as \`${fileName}\`. Edit it, then run \`/simulate scene\` and attach it.`,
          });
          return;
        }
        const uploaded = await client.filesUploadV2({
          channel_id: ref.channel,
          thread_ts: ref.ts,
          filename: fileName,
          file: Buffer.from(`${JSON.stringify(generation.input.scene, null, 2)}\n`),
          // A slash command carries no file: the way back is the modal `/simulate scene` opens.
          initial_comment:
            'The scene of this video, as JSON. Edit it, then run `/simulate scene` and attach it to render it again.',
        });
        const sceneFileId = uploaded.files
          .flatMap((upload) => upload.files ?? [])
          .find((file) => file.id)?.id;
        // Read again: the video's delivery may have written the ref (delivered, its files) meanwhile.
        const latest = await deps.service.get(generation.id);
        if (sceneFileId && latest)
          await deps.service.setMessageRef(generation.id, { ...latest.messageRef, sceneFileId });
      } catch (error) {
        logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack scene refused');
        await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
      }
    });
  });
}
