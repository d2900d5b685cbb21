import { type ButtonInteraction, MessageFlags } from 'discord.js';
import { NotFoundError } from '../../core/errors.js';
import type { BotContext } from './context.js';

/**
 * Favorite: marks the video for the person who pressed, or unmarks it when it was marked, and
 * tells only them. Anyone who sees the message may keep it; the mark is theirs alone.
 */
export async function toggleFavorite(
  interaction: ButtonInteraction,
  ctx: BotContext,
  generationId: string,
): Promise<void> {
  if (!ctx.favorites) {
    await interaction.reply({ content: 'Favorites are not kept here.', flags: MessageFlags.Ephemeral });
    return;
  }
  const generation = await ctx.service.get(generationId);
  if (!generation) throw new NotFoundError('generation', generationId);
  const marked = await ctx.favorites.toggle(
    { platform: 'discord', userId: interaction.user.id },
    generationId,
  );
  await interaction.reply({
    content: marked
      ? `⭐ Added \`${generation.id}\` to your favorites. Press again to remove it.`
      : `Removed \`${generation.id}\` from your favorites.`,
    flags: MessageFlags.Ephemeral,
  });
}
