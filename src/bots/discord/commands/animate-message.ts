import { type Message, type MessageContextMenuCommandInteraction, MessageFlags } from 'discord.js';
import type { BotContext } from '../context.js';
import type { DiscordImage } from '../form-flow.js';
import { defaultImageModel } from './animate.js';
import { launchModel } from './launch.js';

/** The name of the message command, exactly as in commands.json (type 3, MESSAGE). */
export const animateMessageCommand = 'Animate this image';

const imageName = /\.(jpe?g|png|gif|webp)$/i;

/** The file name at the end of a URL, for an embed's image, which has no name of its own. */
function nameFromUrl(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    return imageName.test(last) ? decodeURIComponent(last) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The first image of a message: an attached image, else an embed's image or thumbnail (a pasted
 * image link, a link preview). Embeds are read through Discord's media proxy when it gives one:
 * that host answers for any image Discord has shown, where the original site may not.
 */
export function imageOfMessage(message: Message): DiscordImage | undefined {
  for (const attachment of message.attachments.values()) {
    const isImage = attachment.contentType
      ? attachment.contentType.startsWith('image/')
      : imageName.test(attachment.name);
    if (isImage) return attachment;
  }
  for (const embed of message.embeds) {
    const picture = embed.image ?? embed.thumbnail;
    if (!picture?.url) continue;
    const url = picture.proxyURL ?? picture.url;
    return { url, name: nameFromUrl(picture.url, `embed-${message.id}.png`) };
  }
  return undefined;
}

/**
 * "Animate this image" (Apps → on a message): `/animate`'s flow with the message's image, the
 * default image-to-video model, and its form when the model needs more (a prompt). A message
 * without an image gets a private answer and nothing starts.
 */
export async function runAnimateMessageCommand(
  interaction: MessageContextMenuCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const receivedAt = ctx.clock();
  const image = imageOfMessage(interaction.targetMessage);
  if (!image) {
    await interaction.reply({
      content:
        'That message has no image to animate. Use it on a message with a JPEG, PNG, GIF or WebP image (attached or embedded), or run `/animate` with one.',
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const model = await defaultImageModel(ctx);
  await launchModel(interaction, ctx, {
    model,
    image,
    advanced: false,
    // Both lookups share Discord's 3 s.
    lookupMs: Math.max(300, ctx.lookupTimeoutMs - (ctx.clock() - receivedAt)),
  });
}
