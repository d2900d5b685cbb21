import type { ButtonInteraction } from 'discord.js';
import { NotFoundError, ReelbotError } from '../../core/errors.js';
import { formValuesOf } from '../../core/generations/edit-values.js';
import type { BotContext } from './context.js';
import { openFormPage } from './form-flow.js';
import { requesterOf } from './generation-start.js';

/**
 * Edit & re-run: the model's form (its modal pages) opened with everything the video was made
 * with: the prompt, every parameter, and its image kept unless a new one is uploaded. Submitting
 * starts a new generation whose origin is this one.
 */
export async function openEditForm(
  interaction: ButtonInteraction,
  ctx: BotContext,
  generationId: string,
): Promise<void> {
  const generation = await ctx.service.get(generationId);
  if (!generation) throw new NotFoundError('generation', generationId);
  if (generation.source !== 'replicate')
    throw new ReelbotError('EDIT_NOT_A_MODEL', `${generationId} is a simulation`, {
      userMessage:
        'Only a video made with a model has a form to edit. Use Re-roll or the Scene button instead.',
    });
  // As before any form: a person past a daily quota is told before filling it in.
  await ctx.service.checkQuota(requesterOf(interaction));
  const model = await ctx.catalog.getModel(generation.model);
  const draft = ctx.drafts.create({
    userId: interaction.user.id,
    model,
    values: formValuesOf(model.fields, generation),
    attachments: {},
    origin: { kind: 'edit', generationId: generation.id },
  });
  await openFormPage(interaction, draft, 0);
}
