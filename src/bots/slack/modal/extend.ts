import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ReelbotError } from '../../../core/errors.js';
import { truncate } from '../../../core/forms/text.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Logger } from '../../../core/logger.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { PostStatus } from '../status/post-status.js';
import { extendActionId } from '../status/render.js';
import { placeOfPress } from '../status/reroll.js';

/** The callback id of the Extend modal. */
export const extendCallbackId = 'reelbot_extend_submit';
/** The block of the prompt input in the Extend modal. */
export const extendPromptBlockId = 'prompt';
/** Slack's longest plain_text_input value. */
const maxPromptLength = 3000;

function extendUnavailable(): ReelbotError {
  return new ReelbotError('EXTEND_UNAVAILABLE', 'this service cannot extend videos', {
    userMessage: 'Extending videos is not available on this reelbot.',
  });
}

/** What the Extend modal carries to its submit, in private_metadata. */
interface ExtendContext {
  generationId: string;
  channelId: string;
  userId: string;
  teamId?: string;
}

function readContext(text: string | undefined): ExtendContext | undefined {
  try {
    const raw = JSON.parse(text ?? '') as Partial<ExtendContext>;
    if (typeof raw.generationId !== 'string' || typeof raw.channelId !== 'string') return undefined;
    if (typeof raw.userId !== 'string') return undefined;
    return raw as ExtendContext;
  } catch {
    return undefined;
  }
}

/**
 * Extend on a finished video: asks the core what would run (a chain at `MAX_CHAIN` is refused
 * here, before any form), opens a small modal with the prompt to keep or change, and on submit
 * starts the next part from the video's last frame as a new status message. The delivery posts
 * the part and the chain joined (see delivery.ts).
 */
export function registerExtend(
  app: App,
  deps: {
    service: Pick<GenerationService, 'extend' | 'planExtend' | 'checkQuota'>;
    postStatus: PostStatus;
    logger: Logger;
  },
) {
  app.action<BlockAction<ButtonAction>>(extendActionId, async ({ ack, body, action, respond, client }) => {
    await ack();
    const generationId = action.value ?? '';
    try {
      if (!deps.service.planExtend) throw extendUnavailable();
      const plan = await deps.service.planExtend(generationId);
      const context: ExtendContext = { generationId, ...placeOfPress(body) };
      // A person past a daily quota is told now, not after writing the next part's prompt.
      await deps.service.checkQuota(slackRequester(context));
      const model = plan.model.split('/').pop() ?? plan.model;
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: extendCallbackId,
          private_metadata: JSON.stringify(context),
          title: { type: 'plain_text', text: truncate(`Extend: part ${plan.part} of ${plan.maxParts}`, 24) },
          submit: { type: 'plain_text', text: 'Extend' },
          close: { type: 'plain_text', text: 'Cancel' },
          blocks: [
            {
              type: 'context',
              elements: [
                { type: 'mrkdwn', text: truncate(`Continues from the last frame with *${model}*.`, 2000) },
              ],
            },
            {
              type: 'input',
              block_id: extendPromptBlockId,
              optional: true,
              label: {
                type: 'plain_text',
                text: truncate(plan.sameModel ? 'Prompt' : `Prompt (continued with ${plan.model})`, 2000),
              },
              hint: { type: 'plain_text', text: 'Keep it, or say what happens next.' },
              element: {
                type: 'plain_text_input',
                action_id: 'value',
                multiline: true,
                max_length: maxPromptLength,
                ...(plan.prompt ? { initial_value: truncate(plan.prompt, maxPromptLength) } : {}),
              },
            },
          ],
        },
      });
    } catch (error) {
      deps.logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack extend refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });

  app.view(extendCallbackId, async ({ ack, body, view, client }) => {
    const context = readContext(view.private_metadata);
    const extend = deps.service.extend;
    if (!context || !extend) {
      return ack({
        response_action: 'errors',
        errors: {
          [extendPromptBlockId]: context
            ? plainWords(extendUnavailable())
            : 'This form is out of date; press Extend again.',
        },
      });
    }
    const typed = view.state.values[extendPromptBlockId]?.value?.value?.trim() ?? '';
    // Taking the last frame (ffmpeg) and uploading it can outlast Slack's 3 s: close the modal
    // first and tell a later refusal to the person alone.
    await ack();
    try {
      const generation = await extend({
        requester: slackRequester({
          userId: body.user.id,
          userName: body.user.name,
          teamId: body.team?.id ?? context.teamId,
          channelId: context.channelId,
        }),
        generationId: context.generationId,
        ...(typed ? { prompt: typed } : {}),
      });
      deps.logger.info({ generationId: generation.id, from: context.generationId }, 'Slack extend started');
      await deps.postStatus(generation, context);
    } catch (error) {
      deps.logger.info({ err: error, code: errorCodeOf(error) }, 'Slack extend submit refused');
      await client.chat
        .postEphemeral({
          channel: context.channelId,
          user: context.userId,
          text: `I could not extend the video: ${plainWords(error)}`,
        })
        .catch((tellError: unknown) => {
          deps.logger.warn(
            { err: tellError, code: errorCodeOf(tellError) },
            'could not tell the person in Slack',
          );
        });
    }
  });
}
