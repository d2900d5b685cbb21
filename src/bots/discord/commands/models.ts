import { type APIEmbed, type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import { truncate } from '../../../core/forms/text.js';
import {
  type CatalogCollection,
  type CatalogModel,
  catalogCollections,
} from '../../../core/replicate/catalog.js';
import type { BotContext } from '../context.js';

const titles: Record<CatalogCollection, string> = {
  'text-to-video': 'Text to video',
  'image-to-video': 'Image to video',
};

// Discord allows 6000 characters over all embeds of a message; two collections share them.
const embedBudget = 2800;

function modelLine(model: CatalogModel): string {
  const runs = `${model.runCount.toLocaleString('en-US')} runs`;
  const description = model.description ? `\n${truncate(model.description.replace(/\s+/g, ' '), 140)}` : '';
  return `**${model.ref}** · ${runs}${description}`;
}

function embedOf(collection: CatalogCollection, models: CatalogModel[]): APIEmbed {
  const lines: string[] = [];
  let used = 0;
  for (const model of models) {
    const line = modelLine(model);
    if (used + line.length + 40 > embedBudget) break;
    lines.push(line);
    used += line.length + 1;
  }
  if (lines.length < models.length) lines.push(`…and ${models.length - lines.length} more`);
  return {
    title: titles[collection],
    description: lines.join('\n') || 'No models right now.',
    footer: { text: 'Use one with /video model:<owner/name>' },
  };
}

/** `/models [collection]`: the models with description and run count, most run first. */
export async function runModelsCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const chosen = interaction.options.getString('collection') as CatalogCollection | null;
  const collections = chosen ? [chosen] : [...catalogCollections];
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const allowed =
    (await ctx.rules?.allows({
      platform: 'discord',
      workspaceId: interaction.guildId ?? undefined,
    })) ?? (() => true);
  const lists = await Promise.all(
    collections.map(async (collection) =>
      (await ctx.catalog.listModels(collection)).filter((model) => allowed(model.ref)),
    ),
  );
  await interaction.editReply({
    embeds: collections.map((collection, i) => embedOf(collection, lists[i] ?? [])),
  });
}
