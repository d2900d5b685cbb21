import { type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import { readSimulateText } from '../../../core/generations/simulate-text.js';
import type { VideoAspect, VideoChoices, VideoQuality } from '../../../core/generations/video-choices.js';
import type { BotContext } from '../context.js';
import { attachmentInput } from '../form-flow.js';
import { requesterOf, startGeneration } from '../generation-start.js';

/**
 * `/simulate prompt [scene] [duration] [aspect] [quality] [seed]`: a physics video, when this
 * reelbot has the simulation service. An attached scene file is rendered instead of the sentence.
 * The choices may also be typed into `prompt` as on Slack (`duration:5`, `aspect:tall`).
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
  // Choices typed into the sentence ("a ball falls duration:5") are read as Slack and the CLI read
  // them, and left out of the sentence; an option chosen too wins, silently: picking it from
  // Discord's list is the later, more deliberate choice, and the status says what was made.
  const typed = readSimulateText(options.getString('prompt') ?? '');
  if (typed.problems.length) {
    await interaction.reply({
      content: `That did not work: ${typed.problems.join('; ')}. Or pick it from the command's options.`,
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const prompt = typed.prompt;
  const scene = options.getAttachment('scene');
  if (!prompt && !scene) {
    await interaction.reply({
      content: 'Describe the scene in `prompt`, or attach a scene file in `scene`.',
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const video: VideoChoices = {
    duration: options.getInteger('duration') ?? typed.video.duration,
    aspect: (options.getString('aspect') as VideoAspect | null) ?? typed.video.aspect,
    quality: (options.getString('quality') as VideoQuality | null) ?? typed.video.quality,
  };
  const seed = options.getInteger('seed') ?? typed.seed;
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
