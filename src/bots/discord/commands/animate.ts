import type { ChatInputCommandInteraction } from 'discord.js';
import { ReelbotError } from '../../../core/errors.js';
import { within } from '../../../core/timers.js';
import type { BotContext } from '../context.js';
import { launchModel } from './launch.js';

/** The model `/animate` runs when none is named: the configured one, else the most run. */
export async function defaultImageModel(ctx: BotContext): Promise<string> {
  if (ctx.defaultImageModel) return ctx.defaultImageModel;
  const models = await within(ctx.catalog.listModels('image-to-video'), ctx.lookupTimeoutMs, ctx.timers);
  const ref = models?.[0]?.ref;
  if (!ref)
    throw new ReelbotError('NO_IMAGE_MODEL', 'no image-to-video model in the catalog', {
      userMessage: 'I could not find an image-to-video model right now. Name one with the model option.',
    });
  return ref;
}

/** `/animate image [prompt] [model]`: image to video with a sensible default model. */
export async function runAnimateCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const receivedAt = ctx.clock();
  const named = interaction.options.getString('model')?.trim();
  const model = named || (await defaultImageModel(ctx));
  await launchModel(interaction, ctx, {
    model,
    prompt: interaction.options.getString('prompt') ?? undefined,
    image: interaction.options.getAttachment('image', true),
    advanced: false,
    // Both lookups share Discord's 3 s.
    lookupMs: Math.max(300, ctx.lookupTimeoutMs - (ctx.clock() - receivedAt)),
  });
}
