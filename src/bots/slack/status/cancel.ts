import type { App, BlockAction, ButtonAction, webApi } from '@slack/bolt';
import { NotFoundError } from '../../../core/errors.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import { alreadyEndedText } from '../../../core/generations/status-text.js';
import { isFinal } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import { isWorkspaceAdmin } from '../commands/usage.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import { cancelActionId } from './render.js';

/**
 * The Cancel button of a status message: for the person who asked and workspace admins (users.info),
 * as Delete. The service checks who may; the status message itself changes through the `canceled`
 * event. Refusals go back to the person alone, through the interaction's response_url, which needs
 * no scope.
 */
export function registerCancel(
  app: App,
  deps: { service: Pick<GenerationService, 'cancel' | 'get'>; client: webApi.WebClient; logger: Logger },
) {
  app.action<BlockAction<ButtonAction>>(cancelActionId, async ({ ack, body, action, respond }) => {
    await ack();
    const generationId = action.value ?? '';
    try {
      const before = await deps.service.get(generationId);
      if (!before) throw new NotFoundError('generation', generationId);
      const admin = await isWorkspaceAdmin(deps.client, body.user.id, deps.logger);
      await deps.service.cancel(generationId, { userId: body.user.id, admin });
      // Pressed on a list or a message older than the end: say so, not "Canceled".
      if (isFinal(before.status)) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: alreadyEndedText(before.status),
        });
        return;
      }
      deps.logger.info({ generationId, userId: body.user.id }, 'generation canceled from Slack');
      // Pressed in `/reelbot jobs` (an ephemeral list): the status message shows it; say so here too.
      if ((body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral)
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: `Canceled \`${generationId}\`.`,
        });
    } catch (error) {
      deps.logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack cancel refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });
}
