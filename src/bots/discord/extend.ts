import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import { ReelbotError } from '../../core/errors.js';
import { truncate } from '../../core/forms/text.js';
import type { BotContext } from './context.js';
import { extendModalId } from './custom-id.js';
import { parseDiscordModalSubmit } from './form/index.js';
import { requesterOf, startGeneration } from './generation-start.js';
import { submittedComponents } from './modal-values.js';

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
  // A person past a daily quota is told now, not after writing the next part's prompt.
  await ctx.service.checkQuota(requesterOf(interaction));
  const model = plan.model.split('/').pop() ?? plan.model;
  await interaction.showModal({
    custom_id: extendModalId(generationId),
    title: truncate(`Extend: part ${plan.part} of ${plan.maxParts} · ${model}`, 45),
    components: [
      {
        // A Label around the text input, as the model forms have it (the newer modal layout).
        type: 18,
        label: truncate(plan.sameModel ? 'Prompt' : `Prompt (continued with ${plan.model})`, 45),
        description: 'Keep it, or say what happens next.',
        component: {
          type: 4,
          custom_id: promptInputId,
          style: 2,
          required: false,
          max_length: maxPromptLength,
          ...(plan.prompt ? { value: truncate(plan.prompt, maxPromptLength) } : {}),
        },
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
  const { components } = submittedComponents(interaction);
  const value = parseDiscordModalSubmit(components)[promptInputId];
  const typed = typeof value === 'string' ? value.trim() : '';
  await startGeneration(interaction, ctx, (messageRef) =>
    extend({
      requester: requesterOf(interaction),
      generationId,
      ...(typed ? { prompt: typed } : {}),
      messageRef: { ...messageRef },
    }),
  );
}
