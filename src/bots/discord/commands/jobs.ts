import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  ButtonStyle,
  type ChatInputCommandInteraction,
  ComponentType,
  MessageFlags,
} from 'discord.js';
import { truncate } from '../../../core/forms/text.js';
import { usageLines } from '../../../core/generations/spend/usage.js';
import { describeGeneration } from '../../../core/generations/status-text.js';
import type { BotContext } from '../context.js';
import { buttonId } from '../custom-id.js';

// Five rows of five buttons: the most a message holds.
const maxJobs = 25;

/** `/jobs`: the user's running jobs, each with a Cancel button. */
export async function runJobsCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const { items } = await ctx.generations.list(
    { userId: interaction.user.id, platform: 'discord', status: 'running' },
    { limit: maxJobs },
  );
  const today = usageLines(
    await ctx.service.usage(
      { platform: 'discord', workspaceId: interaction.guildId ?? undefined, userId: interaction.user.id },
      { admin: false },
    ),
  ).lines[0];
  if (items.length === 0) {
    await interaction.reply({
      content: `You have no running jobs.\n${today}`,
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const now = ctx.clock();
  const lines = items.map((generation, i) => {
    const view = describeGeneration(generation, { now });
    const prompt = generation.prompt ? ` · “${truncate(generation.prompt, 80)}”` : '';
    return `**${i + 1}.** \`${generation.model}\`${prompt}\n${view.headline}`;
  });
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  items.forEach((generation, i) => {
    if (i % 5 === 0) rows.push({ type: ComponentType.ActionRow, components: [] });
    rows.at(-1)!.components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Danger,
      label: `Cancel ${i + 1}`,
      custom_id: buttonId({ action: 'cancel', generationId: generation.id }),
    });
  });
  await interaction.reply({
    content: truncate(`${today}\nYour running jobs:\n${lines.join('\n')}`, 2000),
    components: rows,
    flags: MessageFlags.Ephemeral,
  });
}
