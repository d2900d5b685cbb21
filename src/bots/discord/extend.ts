import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import { ReelbotError } from '../../core/errors.js';
import { truncate } from '../../core/forms/text.js';
import { maxPromptChars } from '../../core/prompt-limit.js';
import type { BotContext } from './context.js';
import { extendModalId } from './custom-id.js';
import { parseDiscordModalSubmit } from './form/index.js';
import { discordModalLimits } from './form/limits.js';
import type { DiscordLabel } from './form/types.js';
import { requesterOf, startGeneration } from './generation-start.js';
import { submittedComponents } from './modal-values.js';

/** The prompt input of the Extend modal. */
const promptInputId = 'prompt';
/** The model select of the Extend modal. */
const modelInputId = 'model';
/** The prompt limit, not Discord's 4,000: a longer prompt would be refused once the modal is gone. */
const maxPromptLength = maxPromptChars;

function extendUnavailable(): ReelbotError {
  return new ReelbotError('EXTEND_UNAVAILABLE', 'this service cannot extend videos', {
    userMessage: 'Extending videos is not available on this reelbot.',
  });
}

/**
 * The model select of the Extend modal: the plan's choices, its default preselected. Required
 * with a default, so a person who leaves it submits the default.
 */
function modelSelect(choices: string[], preselected: string, sameModel: boolean): DiscordLabel {
  return {
    type: 18,
    label: 'Model',
    description: sameModel
      ? "The video's own model, or another that starts from an image."
      : "The video's model takes no image: pick the one that continues it.",
    component: {
      type: 3,
      custom_id: modelInputId,
      options: choices
        .filter((ref) => ref.length <= discordModalLimits.selectOptionValue)
        .slice(0, discordModalLimits.selectOptions)
        .map((ref) => ({ label: ref, value: ref, ...(ref === preselected ? { default: true } : {}) })),
      min_values: 1,
      max_values: 1,
      required: true,
    },
  };
}

/**
 * Extend: asks the core what would run (a chain at `MAX_CHAIN` is refused here, before any form),
 * then opens a small modal with the prompt to keep or change and the image-to-video model that
 * continues it (the plan's default preselected); its title names the default model.
 */
export async function openExtendModal(
  interaction: ButtonInteraction,
  ctx: BotContext,
  generationId: string,
): Promise<void> {
  if (!ctx.service.planExtend) throw extendUnavailable();
  const plan = await ctx.service.planExtend(generationId, requesterOf(interaction));
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
        label: 'Prompt',
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
      modelSelect(plan.choices, plan.model, plan.sameModel),
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
  const values = parseDiscordModalSubmit(components);
  const value = values[promptInputId];
  const typed = typeof value === 'string' ? value.trim() : '';
  const picked = values[modelInputId];
  const model = Array.isArray(picked) ? picked[0] : undefined;
  await startGeneration(interaction, ctx, (messageRef) =>
    extend({
      requester: requesterOf(interaction),
      generationId,
      ...(typed ? { prompt: typed } : {}),
      ...(model ? { model } : {}),
      messageRef: { ...messageRef },
    }),
  );
}
