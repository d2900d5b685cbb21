import type { ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { launchModel } from './launch.js';

/**
 * `/video model prompt [image] [advanced] [count]`; a count above 1 is a batch: the same values
 * (image and form included) that many times, each with its own seed, in one message.
 */
export async function runVideoCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  await launchModel(interaction, ctx, {
    model: interaction.options.getString('model', true).trim(),
    prompt: interaction.options.getString('prompt', true),
    image: interaction.options.getAttachment('image'),
    advanced: interaction.options.getBoolean('advanced') ?? false,
    count: interaction.options.getInteger('count') ?? 1,
  });
}
