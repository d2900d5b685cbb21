import {
  type ButtonInteraction,
  ComponentType,
  type ModalSubmitInteraction,
  TextInputStyle,
} from 'discord.js';
import { ReelbotError } from '../../core/errors.js';
import { truncate } from '../../core/forms/text.js';
import type { BotContext } from './context.js';
import { extendModalId } from './custom-id.js';
import { requesterOf, startGeneration } from './generation-start.js';

/** The prompt input of the Extend modal. */
const promptInputId = 'prompt';
/** Discord's longest text input value. */
const maxPromptLength = 4000;

function extendUnavailable(): ReelbotError {
  return new ReelbotError('EXTEND_UNAVAILABLE', 'this service cannot extend videos', {
    userMessage: 'Extending videos is not available on this reelbot.',
  });
}

/**
 * Extend: asks the core what would run (a chain at `MAX_CHAIN` is refused here, before any form),
 * then opens a small modal with the prompt to keep or change; its title names the model.
 */
export async function openExtendModal(
  interaction: ButtonInteraction,
  ctx: BotContext,
  generationId: string,
): Promise<void> {
  if (!ctx.service.planExtend) throw extendUnavailable();
  const plan = await ctx.service.planExtend(generationId);
  const model = plan.model.split('/').pop() ?? plan.model;
  await interaction.showModal({
    custom_id: extendModalId(generationId),
    title: truncate(`Extend: part ${plan.part} of ${plan.maxParts} · ${model}`, 45),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: promptInputId,
            label: truncate(plan.sameModel ? 'Prompt' : `Prompt (continued with ${plan.model})`, 45),
            style: TextInputStyle.Paragraph,
            required: false,
            max_length: maxPromptLength,
            ...(plan.prompt ? { value: truncate(plan.prompt, maxPromptLength) } : {}),
          },
        ],
      },
    ],
  });
}

/** The Extend modal's submission: the next part, as a new status message in the channel. */
export async function submitExtend(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  generationId: string,
): Promise<void> {
  const extend = ctx.service.extend;
  if (!extend) throw extendUnavailable();
  const typed = interaction.fields.getTextInputValue(promptInputId).trim();
  await startGeneration(interaction, ctx, (messageRef) =>
    extend({
      requester: requesterOf(interaction),
      generationId,
      ...(typed ? { prompt: typed } : {}),
      messageRef: { ...messageRef },
    }),
  );
}
