import type { App, BlockAction, ButtonAction, webApi } from '@slack/bolt';
import { NotFoundError } from '../../../core/errors.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Logger } from '../../../core/logger.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import { sceneActionId } from './render.js';
import { statusRefOf } from './status-ref.js';

/**
 * The Scene button under a simulation that ended (done, failed or canceled): uploads the scene it rendered as a JSON file into
 * the video's thread (Slack has no private files), for people to edit and give back to `/simulate scene`.
 */
export function registerScene(
  app: App,
  deps: { service: Pick<GenerationService, 'get'>; client: webApi.WebClient; logger: Logger },
) {
  const { client, logger } = deps;
  app.action<BlockAction<ButtonAction>>(sceneActionId, async ({ ack, action, respond }) => {
    await ack();
    const generationId = action.value ?? '';
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
      await client.filesUploadV2({
        channel_id: ref.channel,
        thread_ts: ref.ts,
        filename: `scene-${generation.id}.json`,
        file: Buffer.from(`${JSON.stringify(generation.input.scene, null, 2)}\n`),
        // A slash command carries no file: the way back is the modal `/simulate scene` opens.
        initial_comment:
          'The scene of this video, as JSON. Edit it, then run `/simulate scene` and attach it to render it again.',
      });
    } catch (error) {
      logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack scene refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });
}
