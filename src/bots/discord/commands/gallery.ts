import { ButtonStyle, type ChatInputCommandInteraction, ComponentType, MessageFlags } from 'discord.js';
import { placeOf } from '../../../core/access/place.js';
import type { BotContext } from '../context.js';

/**
 * `/gallery`: privately, a signed link to this server's gallery (in a direct message, to the
 * person's own videos). Whoever holds the link sees the place's videos for 7 days.
 */
export async function runGalleryCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const place = placeOf({
    platform: 'discord',
    workspaceId: interaction.guildId ?? undefined,
    userId: interaction.user.id,
  });
  const url = ctx.links.place(place);
  const whose = place.kind === 'server' ? "This server's videos" : 'Your videos';
  await interaction.reply({
    content: `${whose}, for 7 days. Share the link only with people who may see them: ${url}`,
    flags: MessageFlags.Ephemeral,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: 'Open the gallery', url }],
      },
    ],
  });
}
