import type { ChatInputCommandInteraction } from 'discord.js';
import { ValidationError } from '../../../core/errors.js';
import type { BotContext } from '../context.js';
import { startGroup } from '../group-start.js';
import { launchModel } from './launch.js';

/** `/video model prompt [image] [advanced] [count]`; a count above 1 is a batch: that many seeds in one message. */
export async function runVideoCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const count = interaction.options.getInteger('count') ?? 1;
  if (count > 1) {
    if (interaction.options.getAttachment('image') || interaction.options.getBoolean('advanced'))
      throw new ValidationError([
        {
          field: 'count',
          message: 'a batch runs the model with its defaults: leave out the image and advanced',
        },
      ]);
    await startGroup(interaction, ctx, {
      kind: 'batch',
      prompt: interaction.options.getString('prompt', true),
      models: [interaction.options.getString('model', true).trim()],
      count,
    });
    return;
  }
  await launchModel(interaction, ctx, {
    model: interaction.options.getString('model', true).trim(),
    prompt: interaction.options.getString('prompt', true),
    image: interaction.options.getAttachment('image'),
    advanced: interaction.options.getBoolean('advanced') ?? false,
  });
}
