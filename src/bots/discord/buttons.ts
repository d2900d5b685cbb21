import { type ButtonInteraction, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { NotFoundError } from '../../core/errors.js';
import { truncate } from '../../core/forms/text.js';
import { alreadyEndedText } from '../../core/generations/status-text.js';
import { isFinal } from '../../core/generations/types.js';
import type { BotContext } from './context.js';
import { type ButtonAction, parseButtonId } from './custom-id.js';
import { openEditForm } from './edit.js';
import { openExtendModal } from './extend.js';
import { toggleFavorite } from './favorite.js';
import { handleFormButton } from './form-flow.js';
import { requesterOf, startGeneration } from './generation-start.js';
import { asDiscordMessageRef } from './status/status-ref.js';
import { noMentions } from './status/view.js';

/** Cancel: the owner, or someone who may manage messages here. */
async function cancel(interaction: ButtonInteraction, ctx: BotContext, generationId: string) {
  await interaction.deferUpdate();
  const before = await ctx.service.get(generationId);
  if (!before) throw new NotFoundError('generation', generationId);
  const admin = interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false;
  const after = await ctx.service.cancel(generationId, { userId: interaction.user.id, admin });
  const onStatusMessage = asDiscordMessageRef(after.messageRef)?.messageId === interaction.message.id;
  if (isFinal(before.status)) {
    await interaction.followUp({ content: alreadyEndedText(before.status), flags: MessageFlags.Ephemeral });
  } else if (!onStatusMessage) {
    // Pressed in /jobs: the status message shows the cancel; say so here too.
    await interaction.followUp({
      content: `Canceled \`${after.model}\` (${after.id}).`,
      flags: MessageFlags.Ephemeral,
    });
  }
}

/**
 * Delete: the requester, or someone who may manage messages here. The message loses its video
 * first and says it was deleted; then the files and the gallery entry go.
 */
async function remove(interaction: ButtonInteraction, ctx: BotContext, generationId: string) {
  await interaction.deferUpdate();
  const admin = interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false;
  await ctx.service.delete(generationId, {
    userId: interaction.user.id,
    admin,
    removeFromChat: async () => {
      await interaction.editReply({
        content: `🗑️ This video was deleted by <@${interaction.user.id}>.`,
        components: [],
        attachments: [],
        allowedMentions: noMentions,
      });
    },
  });
}

/**
 * Re-roll: the same input with a new seed, as a new status message. What the store alone refuses (a
 * deleted video, an old button, a quota) is told only to the person, before the public "thinking…"
 * that would flash in the channel for everyone.
 */
async function reroll(interaction: ButtonInteraction, ctx: BotContext, generationId: string) {
  const requester = requesterOf(interaction);
  await ctx.service.checkReroll(generationId, requester);
  await startGeneration(interaction, ctx, () => ctx.service.reroll(generationId, requester));
}

/** Parameters: everything the video was made with, only to the person who pressed. */
async function parameters(interaction: ButtonInteraction, ctx: BotContext, generationId: string) {
  const generation = await ctx.service.get(generationId);
  if (!generation) throw new NotFoundError('generation', generationId);
  const head = [`**Parameters of ${generation.id}**`, `Model: \`${generation.model}\``];
  if (generation.version) head.push(`Version: \`${generation.version}\``);
  if (generation.seed !== undefined) head.push(`Seed: ${generation.seed}`);
  const json = JSON.stringify(generation.input, null, 2);
  const room = 2000 - head.join('\n').length - 20;
  await interaction.reply({
    content: `${head.join('\n')}\n\`\`\`json\n${truncate(json, room)}\n\`\`\``,
    flags: MessageFlags.Ephemeral,
    allowedMentions: noMentions,
  });
}

/** Scene: the simulation's scene as a JSON file, only to the person who pressed, to edit and send back. */
async function scene(interaction: ButtonInteraction, ctx: BotContext, generationId: string) {
  const generation = await ctx.service.get(generationId);
  if (!generation) throw new NotFoundError('generation', generationId);
  if (generation.input.scene === undefined) {
    await interaction.reply({ content: 'This video has no scene to send.', flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.reply({
    content: 'The scene of this video. Edit it and attach it to `/simulate` in `scene` to render it again.',
    files: [
      {
        name: `scene-${generation.id}.json`,
        attachment: Buffer.from(`${JSON.stringify(generation.input.scene, null, 2)}\n`),
      },
    ],
    flags: MessageFlags.Ephemeral,
  });
}

/** Routes a button press by its custom_id. */
export async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  if (interaction.customId.startsWith('rf:')) return handleFormButton(interaction, ctx);
  const action: ButtonAction | undefined = parseButtonId(interaction.customId);
  switch (action?.action) {
    case 'cancel':
      return cancel(interaction, ctx, action.generationId);
    case 'reroll':
      return reroll(interaction, ctx, action.generationId);
    case 'params':
      return parameters(interaction, ctx, action.generationId);
    case 'delete':
      return remove(interaction, ctx, action.generationId);
    case 'scene':
      return scene(interaction, ctx, action.generationId);
    case 'extend':
      return openExtendModal(interaction, ctx, action.generationId);
    case 'edit':
      return openEditForm(interaction, ctx, action.generationId);
    case 'favorite':
      return toggleFavorite(interaction, ctx, action.generationId);
    case 'form-edit':
      return handleFormButton(interaction, ctx, action);
    default:
      ctx.logger.warn({ customId: interaction.customId }, 'button of unknown kind');
      await interaction.reply({
        content: 'This button no longer does anything.',
        flags: MessageFlags.Ephemeral,
      });
  }
}
