import { type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import type { BotContext } from '../context.js';
import { requesterOf, startGeneration } from '../generation-start.js';

/** `/simulate prompt`: a physics video, when this reelbot has the simulation service. */
export async function runSimulateCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const simulate = ctx.service.simulate?.bind(ctx.service);
  if (!simulate) {
    await interaction.reply({
      content: 'Physics simulations are not available in this reelbot yet. Try `/video` in the meantime.',
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const prompt = interaction.options.getString('prompt', true);
  await startGeneration(interaction, ctx, (messageRef) =>
    simulate({ requester: requesterOf(interaction), prompt, messageRef: { ...messageRef } }),
  );
}
