import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { NotFoundError } from '../../../core/errors.js';
import { truncate } from '../../../core/forms/text.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Logger } from '../../../core/logger.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { PostStatus, StatusPlace } from './post-status.js';
import { parametersActionId, rerollActionId } from './render.js';

/** Slack's longest section text. */
const maxSectionText = 3000;

/** Where a button was pressed, as the place of a new status message. */
export function placeOfPress(body: BlockAction): StatusPlace {
  return {
    // A button on a message always has its channel; the person's DM with the app otherwise.
    channelId: body.channel?.id ?? body.user.id,
    userId: body.user.id,
    teamId: body.team?.id ?? undefined,
  };
}

/** Everything a video was made with, as an ephemeral message's text (model, version, seed, input). */
export function parametersText(generation: {
  id: string;
  model: string;
  version?: string;
  seed?: number;
  input: Record<string, unknown>;
}): string {
  const head = [`*Parameters of ${generation.id}*`, `Model: \`${generation.model}\``];
  if (generation.version) head.push(`Version: \`${generation.version}\``);
  if (generation.seed !== undefined) head.push(`Seed: ${generation.seed}`);
  const json = JSON.stringify(generation.input, null, 2);
  const room = maxSectionText - head.join('\n').length - 20;
  return `${head.join('\n')}\n\`\`\`${truncate(json, room)}\`\`\``;
}

/**
 * Re-roll (the same input with a new seed, as a new status message in the same channel) and
 * Parameters (everything the video was made with, to the person alone) on a finished video: the
 * same core calls as Discord's buttons. Refusals (a quota, a deleted video) go to the person alone.
 */
export function registerReroll(
  app: App,
  deps: {
    service: Pick<GenerationService, 'reroll' | 'get'>;
    postStatus: PostStatus;
    logger: Logger;
  },
) {
  app.action<BlockAction<ButtonAction>>(rerollActionId, async ({ ack, body, action, respond }) => {
    await ack();
    const generationId = action.value ?? '';
    const place = placeOfPress(body);
    try {
      const generation = await deps.service.reroll(
        generationId,
        slackRequester({ ...place, userName: body.user.name }),
      );
      deps.logger.info({ generationId: generation.id, from: generationId }, 'Slack re-roll started');
      await deps.postStatus(generation, place);
    } catch (error) {
      deps.logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack re-roll refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });

  app.action<BlockAction<ButtonAction>>(parametersActionId, async ({ ack, action, respond }) => {
    await ack();
    const generationId = action.value ?? '';
    try {
      const generation = await deps.service.get(generationId);
      if (!generation) throw new NotFoundError('generation', generationId);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: parametersText(generation),
      });
    } catch (error) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });
}
