import { type ChatInputCommandInteraction, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { truncate } from '../../../core/forms/text.js';
import { usageLines } from '../../../core/generations/spend/usage.js';
import type { BotContext } from '../context.js';

/**
 * `/usage`: the person's day against the quotas. A member who may manage the server (Discord's
 * own Manage Server permission, as the interaction carries it) also sees the server's day and week.
 */
export async function runUsageCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const admin = Boolean(
    interaction.guildId && interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
  );
  const report = await ctx.service.usage(
    {
      platform: 'discord',
      workspaceId: interaction.guildId ?? undefined,
      channelId: interaction.channelId,
      userId: interaction.user.id,
    },
    { admin },
  );
  const { title, lines } = usageLines(report);
  await interaction.reply({
    content: truncate(`**${title}**\n${lines.join('\n')}`, 2000),
    flags: MessageFlags.Ephemeral,
  });
}
