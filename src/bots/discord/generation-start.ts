import type { RepliableInteraction } from 'discord.js';
import { ValidationError } from '../../core/errors.js';
import type { GenerationRequest } from '../../core/generations/service-types.js';
import type { Generation, Requester } from '../../core/generations/types.js';
import type { BotContext } from './context.js';
import { deferPublicly } from './reply.js';
import { asDiscordMessageRef, type DiscordMessageRef, messageRefOf } from './status/status-ref.js';

/** The person and place of an interaction, as the core records them. */
export function requesterOf(interaction: RepliableInteraction): Requester {
  const requester: Requester = {
    platform: 'discord',
    userId: interaction.user.id,
    userName: interaction.user.globalName ?? interaction.user.username,
  };
  if (interaction.guildId) requester.workspaceId = interaction.guildId;
  if (interaction.channelId) requester.channelId = interaction.channelId;
  return requester;
}

/**
 * Defers with a public message (within Discord's 3 s), starts a generation through `start`, and
 * makes that message the generation's status message. A `ValidationError` goes to `onInvalid`
 * when given (to offer the form again); every other error propagates to the router.
 */
export async function startGeneration(
  interaction: RepliableInteraction,
  ctx: BotContext,
  start: (messageRef: DiscordMessageRef) => Promise<Generation>,
  onInvalid?: (error: ValidationError) => Promise<void>,
): Promise<Generation | undefined> {
  const messageId = await deferPublicly(interaction);
  const ref = messageRefOf(interaction, messageId);
  let generation: Generation;
  try {
    generation = await start(ref);
  } catch (error) {
    if (error instanceof ValidationError && onInvalid) {
      await onInvalid(error);
      return undefined;
    }
    throw error;
  }
  // A re-roll is recorded without our ref: attach it now.
  if (!asDiscordMessageRef(generation.messageRef)) await ctx.service.setMessageRef(generation.id, { ...ref });
  ctx.logger
    .child({ generationId: generation.id })
    .info({ model: generation.model, user: interaction.user.id }, 'Discord generation started');
  await ctx.statuses.follow(generation, ref);
  return generation;
}

/**
 * The one way a Discord command or form starts a model: the interaction's person and place, the
 * values and images given, and the status message as the generation's message.
 */
export function startModelGeneration(
  interaction: RepliableInteraction,
  ctx: BotContext,
  request: Pick<GenerationRequest, 'model' | 'values' | 'attachments' | 'origin'>,
  onInvalid?: (error: ValidationError) => Promise<void>,
): Promise<Generation | undefined> {
  return startGeneration(
    interaction,
    ctx,
    (messageRef) =>
      ctx.service.start({ ...request, requester: requesterOf(interaction), messageRef: { ...messageRef } }),
    onInvalid,
  );
}
