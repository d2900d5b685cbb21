import type { ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { startGroup } from '../group-start.js';

/** The model options of `/compare`: two required, two more optional. */
export const compareModelOptions = ['model1', 'model2', 'model3', 'model4'] as const;

/** `/compare prompt model1 model2 [model3] [model4]`: one prompt, one seed, each model's clip side by side. */
export async function runCompareCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const models = compareModelOptions
    .map((name) => interaction.options.getString(name)?.trim())
    .filter((model): model is string => Boolean(model));
  await startGroup(interaction, ctx, {
    kind: 'compare',
    prompt: interaction.options.getString('prompt', true),
    models,
  });
}
