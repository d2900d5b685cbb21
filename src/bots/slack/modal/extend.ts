import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ReelbotError, ValidationError } from '../../../core/errors.js';
import { truncate } from '../../../core/forms/text.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Logger } from '../../../core/logger.js';
import { assertPromptLength, maxPromptChars } from '../../../core/prompt-limit.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { PostStatus } from '../status/post-status.js';
import { extendActionId } from '../status/render.js';
import { placeOfPress } from '../status/reroll.js';

/** The callback id of the Extend modal. */
export const extendCallbackId = 'reelbot_extend_submit';
/** The block of the prompt input in the Extend modal. */
export const extendPromptBlockId = 'prompt';
/** The block of the model select in the Extend modal. */
export const extendModelBlockId = 'model';
/** The prompt limit, not Slack's 3,000: a longer prompt would be refused once the modal is closed. */
const maxPromptLength = maxPromptChars;
/** Slack's most options in a static_select, and its longest option value. */
const maxOptions = 100;
const maxOptionValue = 150;

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

/** The model select: the plan's choices, its default as the initial option. */
function modelBlock(choices: string[], preselected: string, sameModel: boolean) {
  const option = (ref: string) => ({
    text: { type: 'plain_text' as const, text: truncate(ref, 75) },
    value: ref,
  });
  return {
    type: 'input',
    block_id: extendModelBlockId,
    label: { type: 'plain_text', text: 'Model' },
    hint: {
      type: 'plain_text',
      text: sameModel
        ? "The video's own model, or another that starts from an image."
        : "The video's model takes no image: pick the one that continues it.",
    },
    element: {
      type: 'static_select',
      action_id: 'value',
      options: choices
        .filter((ref) => ref.length <= maxOptionValue)
        .slice(0, maxOptions)
        .map(option),
      initial_option: option(preselected),
    },
  };
}

/**
 * Extend on a finished video: asks the core what would run (a chain at `MAX_CHAIN` is refused
 * here, before any form), opens a small modal with the prompt to keep or change and the
 * image-to-video model that continues it (the plan's default preselected), and on submit
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
      const context: ExtendContext = { generationId, ...placeOfPress(body) };
      const requester = slackRequester({
        userId: context.userId,
        teamId: context.teamId,
        channelId: context.channelId,
      });
      const plan = await deps.service.planExtend(generationId, requester);
      // A person past a daily quota is told now, not after writing the next part's prompt.
      await deps.service.checkQuota(requester);
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
                {
                  type: 'mrkdwn',
                  text: 'Continues from its last frame, given to the model below as its image.',
                },
              ],
            },
            {
              type: 'input',
              block_id: extendPromptBlockId,
              optional: true,
              label: { type: 'plain_text', text: 'Prompt' },
              hint: { type: 'plain_text', text: 'Keep it, or say what happens next.' },
              element: {
                type: 'plain_text_input',
                action_id: 'value',
                multiline: true,
                max_length: maxPromptLength,
                ...(plan.prompt ? { initial_value: truncate(plan.prompt, maxPromptLength) } : {}),
              },
            },
            modelBlock(plan.choices, plan.model, plan.sameModel),
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
    const model = view.state.values[extendModelBlockId]?.value?.selected_option?.value ?? undefined;
    // Checked while the modal is open, so what was typed stays in it to shorten.
    try {
      assertPromptLength(typed);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return ack({
        response_action: 'errors',
        errors: { [extendPromptBlockId]: error.problems.map((problem) => problem.message).join('; ') },
      });
    }
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
        ...(model ? { model } : {}),
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
