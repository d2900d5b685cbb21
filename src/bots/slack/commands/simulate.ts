import type { App } from '@slack/bolt';
import type { GenerationService } from '../../../core/generations/service-types.js';
import { readSimulateText } from '../../../core/generations/simulate-text.js';
import type { Logger } from '../../../core/logger.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { PostStatus } from '../status/post-status.js';
import { openSceneModal, registerSceneSubmit, wantsSceneFile } from './simulate-scene.js';

/** What a person sees while the physics work has not landed in the service. */
export const simulationUnavailable =
  'Physics simulations are not available yet on this reelbot. Try `/video` for a video from a prompt.';

/**
 * `/simulate <prompt> [duration:5] [aspect:9:16] [quality:high] [seed:42]`: a physics video through
 * `service.simulate`, with the same status message as a Replicate generation. The choices are the
 * ones Discord's `/simulate` has as options (see core/generations/simulate-text.ts). `/simulate scene` opens a
 * modal for a scene JSON file instead (see simulate-scene.ts); it needs `botToken` to read the file.
 */
export function registerSimulate(
  app: App,
  deps: { service: GenerationService; postStatus: PostStatus; logger: Logger; botToken?: string },
) {
  if (deps.botToken) registerSceneSubmit(app, { ...deps, botToken: deps.botToken });
  app.command('/simulate', async ({ command, ack, respond, client }) => {
    const { prompt, video, seed, problems } = readSimulateText(command.text);
    if (!deps.service.simulate) return ack({ response_type: 'ephemeral', text: simulationUnavailable });
    if (problems.length)
      return ack({ response_type: 'ephemeral', text: `That did not work: ${problems.join('; ')}.` });
    if (!prompt)
      return ack({
        response_type: 'ephemeral',
        text: 'Tell me what to simulate, e.g. `/simulate 30 marbles roll down a ramp into a cup`.',
      });
    const place = { channelId: command.channel_id, userId: command.user_id, teamId: command.team_id };
    if (deps.botToken && wantsSceneFile(prompt)) {
      await ack();
      return openSceneModal(client, command.trigger_id, {
        ...place,
        video,
        ...(seed !== undefined ? { seed } : {}),
      });
    }
    await ack();
    try {
      const generation = await deps.service.simulate({
        requester: slackRequester({ ...place, userName: command.user_name }),
        prompt,
        ...(seed !== undefined ? { seed } : {}),
        video,
      });
      await deps.postStatus(generation, place);
    } catch (error) {
      deps.logger.info({ err: error, code: errorCodeOf(error) }, 'Slack /simulate refused');
      await respond({ response_type: 'ephemeral', text: plainWords(error) });
    }
  });
}
