import type { RepliableInteraction } from 'discord.js';

/**
 * Where a generation's status message lives, kept with the generation (`messageRef`) so that edits
 * go on after a restart. Opaque to core.
 */
export interface DiscordMessageRef {
  platform: 'discord';
  applicationId: string;
  channelId: string;
  guildId?: string;
  /** Known once Discord answered the deferral or the first edit. */
  messageId?: string;
  /** Edits go through the interaction webhook while this is valid, then through the bot token. */
  interactionToken?: string;
  tokenExpiresAt?: number;
  /** The interaction's `attachment_size_limit`: what the final upload must fit. */
  attachmentSizeLimit: number;
  /**
   * Whether the channel is age-restricted (`nsfw`, or a thread of such a channel): a video flagged in
   * an age-restricted moderation category posts plainly there and as a spoiler anywhere else.
   */
  nsfwChannel?: boolean;
  /** Set once the final state is on the message, so it is never posted twice. */
  finalShown?: boolean;
}

/** Discord's interaction tokens live 15 minutes; stop using one a little before it dies. */
export const interactionTokenLifetimeMs = 15 * 60 * 1000;
const tokenMarginMs = 60 * 1000;

/** Discord's default upload limit, for interactions that do not carry `attachment_size_limit`. */
export const defaultAttachmentSizeLimit = 10 * 1024 * 1024;

/** The ref of a status message that is the (deferred) reply to `interaction`. */
export function messageRefOf(interaction: RepliableInteraction, messageId?: string): DiscordMessageRef {
  const ref: DiscordMessageRef = {
    platform: 'discord',
    applicationId: interaction.applicationId,
    channelId: interaction.channelId ?? '',
    interactionToken: interaction.token,
    tokenExpiresAt: interaction.createdTimestamp + interactionTokenLifetimeMs - tokenMarginMs,
    attachmentSizeLimit: interaction.attachmentSizeLimit || defaultAttachmentSizeLimit,
  };
  if (interaction.guildId) ref.guildId = interaction.guildId;
  if (messageId) ref.messageId = messageId;
  if (inAgeRestrictedChannel(interaction)) ref.nsfwChannel = true;
  return ref;
}

/** Whether the interaction came from an age-restricted channel, or a thread in one. DMs are not. */
function inAgeRestrictedChannel(interaction: RepliableInteraction): boolean {
  const channel = interaction.channel;
  if (!channel) return false;
  if (channel.isThread()) return channel.parent?.nsfw === true;
  return 'nsfw' in channel && channel.nsfw === true;
}

/** Reads a stored `messageRef`; undefined when it is not one of ours. */
export function asDiscordMessageRef(
  value: Record<string, unknown> | undefined,
): DiscordMessageRef | undefined {
  if (value?.platform !== 'discord') return undefined;
  if (typeof value.applicationId !== 'string' || typeof value.channelId !== 'string') return undefined;
  return {
    ...(value as unknown as DiscordMessageRef),
    attachmentSizeLimit:
      typeof value.attachmentSizeLimit === 'number' ? value.attachmentSizeLimit : defaultAttachmentSizeLimit,
  };
}
