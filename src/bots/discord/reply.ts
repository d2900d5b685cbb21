import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type Interaction,
  MessageFlags,
  type RepliableInteraction,
} from 'discord.js';
import { codeOf, ReelbotError, userMessageOf, ValidationError } from '../../core/errors.js';
import { truncate } from '../../core/forms/text.js';
import type { Logger } from '../../core/logger.js';

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** Interactions answered with a public "thinking" message (the future status message). */
const publicDeferrals = new WeakSet<RepliableInteraction>();

/** Defers with a public "thinking" message; returns its id when Discord tells. */
export async function deferPublicly(interaction: RepliableInteraction): Promise<string | undefined> {
  const response = await interaction.deferReply({ withResponse: true });
  publicDeferrals.add(interaction);
  return response.interaction.responseMessageId ?? undefined;
}

/** A bad-values error as a list a person can work through. */
export function describeError(error: unknown): string {
  if (error instanceof ValidationError) {
    const lines = error.problems.map((problem) => `• ${problem.message}`);
    return truncate(`Some values need fixing:\n${lines.join('\n')}`, 1900);
  }
  if (error instanceof ReelbotError) return error.userMessage;
  return `${userMessageOf(error)} (error ${codeOf(error)})`;
}

/**
 * Tells the user, only them, what went wrong. The public "thinking" message of a deferred command
 * is removed first, so the channel does not keep a message that never becomes a video.
 */
export async function replyPrivately(
  interaction: RepliableInteraction,
  content: string,
  components: Row[] = [],
): Promise<void> {
  const message = { content: truncate(content, 2000), components, flags: MessageFlags.Ephemeral as const };
  if (publicDeferrals.has(interaction) && !interaction.replied) {
    await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp(message);
    return;
  }
  if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
    await interaction.editReply({ content: message.content, components });
    return;
  }
  if (interaction.deferred || interaction.replied) {
    await interaction.followUp(message);
    return;
  }
  await interaction.reply(message);
}

/** Answers a failed interaction in plain words; never throws. */
export async function replyWithError(
  interaction: Interaction,
  error: unknown,
  logger: Logger,
  components: Row[] = [],
): Promise<void> {
  try {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    await replyPrivately(interaction, describeError(error), components);
  } catch (replyError) {
    logger.warn({ err: replyError, code: codeOf(replyError) }, 'could not tell the user about an error');
  }
}
