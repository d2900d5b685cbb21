import { type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import type { VideoAspect, VideoChoices, VideoQuality } from '../../../core/generations/video-choices.js';
import type { BotContext } from '../context.js';
import { attachmentInput } from '../form-flow.js';
import { requesterOf, startGeneration } from '../generation-start.js';

/**
 * `/simulate prompt [scene] [duration] [aspect] [quality] [seed]`: a physics video, when this
 * reelbot has the simulation service. An attached scene file is rendered instead of the sentence.
 */
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
  const options = interaction.options;
  const prompt = options.getString('prompt') ?? '';
  const scene = options.getAttachment('scene');
  if (!prompt.trim() && !scene) {
    await interaction.reply({
      content: 'Describe the scene in `prompt`, or attach a scene file in `scene`.',
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const video: VideoChoices = {
    duration: options.getInteger('duration') ?? undefined,
    aspect: (options.getString('aspect') ?? undefined) as VideoAspect | undefined,
    quality: (options.getString('quality') ?? undefined) as VideoQuality | undefined,
  };
  const seed = options.getInteger('seed') ?? undefined;
  await startGeneration(interaction, ctx, (messageRef) =>
    simulate({
      requester: requesterOf(interaction),
      prompt,
      ...(scene ? { sceneFile: attachmentInput(scene) } : {}),
      ...(seed !== undefined ? { seed } : {}),
      video,
      messageRef: { ...messageRef },
    }),
  );
}
