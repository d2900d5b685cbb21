import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { NotFoundError } from '../../../core/errors.js';
import type { FavoriteStore } from '../../../core/generations/favorites.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Logger } from '../../../core/logger.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import { downloadActionId, favoriteActionId } from './render.js';

/**
 * The Favorite button of a finished video: marks it for the person who pressed, or unmarks it,
 * and tells only them (through response_url, which needs no scope). The Download button is a link;
 * Slack still sends its press, which is only acknowledged.
 */
export function registerFavorite(
  app: App,
  deps: { service: Pick<GenerationService, 'get'>; favorites: FavoriteStore; logger: Logger },
) {
  app.action<BlockAction<ButtonAction>>(favoriteActionId, async ({ ack, body, action, respond }) => {
    await ack();
    const generationId = action.value ?? '';
    try {
      const generation = await deps.service.get(generationId);
      if (!generation) throw new NotFoundError('generation', generationId);
      const marked = await deps.favorites.toggle({ platform: 'slack', userId: body.user.id }, generationId);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: marked
          ? `⭐ Added \`${generationId}\` to your favorites. Press again to remove it.`
          : `Removed \`${generationId}\` from your favorites.`,
      });
    } catch (error) {
      deps.logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack favorite refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });
  app.action(downloadActionId, async ({ ack }) => {
    await ack();
  });
}
