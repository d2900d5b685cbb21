import type { App, BlockAction, ButtonAction, webApi } from '@slack/bolt';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Logger } from '../../../core/logger.js';
import { isWorkspaceAdmin } from '../commands/usage.js';
import { errorCodeOf, plainWords, slackProblemOf } from '../slack-errors.js';
import { deleteActionId } from './render.js';
import { statusRefOf } from './status-ref.js';

/**
 * The Delete button of a finished video: for its requester and workspace admins (users.info). The
 * video leaves Slack first (its files in the thread, a simulation's scene file too, and the status
 * message says it was deleted),
 * then the service removes the media files and the gallery entry. Refusals go to the person alone.
 */
export function registerDelete(
  app: App,
  deps: { service: Pick<GenerationService, 'delete'>; client: webApi.WebClient; logger: Logger },
) {
  const { client, logger } = deps;
  app.action<BlockAction<ButtonAction>>(deleteActionId, async ({ ack, body, action, respond }) => {
    await ack();
    const generationId = action.value ?? '';
    const userId = body.user.id;
    try {
      const admin = await isWorkspaceAdmin(client, userId, logger);
      await deps.service.delete(generationId, {
        userId,
        admin,
        removeFromChat: async (generation) => {
          const ref = statusRefOf(generation.messageRef);
          if (!ref) return;
          for (const file of ref.fileIds ?? []) await client.files.delete({ file });
          // The scene the Scene button posted goes with its video; someone may have removed it already.
          if (ref.sceneFileId)
            await client.files.delete({ file: ref.sceneFileId }).catch((error: unknown) => {
              if (slackProblemOf(error)?.error !== 'file_not_found') throw error;
            });
          const text = `This video was deleted by <@${userId}>.`;
          await client.chat.update({
            channel: ref.channel,
            ts: ref.ts,
            text,
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `🗑️ ${text}` } }],
          });
        },
      });
    } catch (error) {
      logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack delete refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });
}
