import { ButtonStyle, type ChatInputCommandInteraction, ComponentType, MessageFlags } from 'discord.js';
import type { BotContext } from '../context.js';

/** `/gallery`: a link to the gallery, filtered to the user. */
export async function runGalleryCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const url = ctx.links.user(interaction.user.id);
  await interaction.reply({
    content: `Your videos: ${url}`,
    flags: MessageFlags.Ephemeral,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: 'Open my gallery', url }],
      },
    ],
  });
}
