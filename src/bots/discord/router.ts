import { type Interaction, MessageFlags } from 'discord.js';
import { codeOf, ReelbotError } from '../../core/errors.js';
import { handleAutocomplete } from './autocomplete.js';
import { handleButton } from './buttons.js';
import { commandHandlers, messageCommandHandlers } from './commands/index.js';
import type { BotContext } from './context.js';
import { parseExtendModalId } from './custom-id.js';
import { submitExtend } from './extend.js';
import { handleFormSubmit } from './form-flow.js';
import { replyWithError } from './reply.js';

function describe(interaction: Interaction): Record<string, unknown> {
  const about: Record<string, unknown> = { interactionId: interaction.id, user: interaction.user.id };
  if (interaction.isCommand() || interaction.isAutocomplete()) about.command = interaction.commandName;
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) about.customId = interaction.customId;
  return about;
}

async function dispatch(interaction: Interaction, ctx: BotContext): Promise<void> {
  if (interaction.isAutocomplete()) return handleAutocomplete(interaction, ctx);
  if (interaction.isChatInputCommand()) {
    const handler = commandHandlers[interaction.commandName];
    // A server may keep the bot to some channels; /settings stays open everywhere, so its admins can change that.
    if (handler && interaction.commandName !== 'settings')
      await ctx.rules?.assertChannelAllowed({
        platform: 'discord',
        workspaceId: interaction.guildId ?? undefined,
        channelId: interaction.channelId,
      });
    if (handler) return handler(interaction, ctx);
    await interaction.reply({ content: 'I do not know that command.', flags: MessageFlags.Ephemeral });
    return;
  }
  if (interaction.isMessageContextMenuCommand()) {
    const handler = messageCommandHandlers[interaction.commandName];
    if (handler) return handler(interaction, ctx);
    await interaction.reply({ content: 'I do not know that command.', flags: MessageFlags.Ephemeral });
    return;
  }
  if (interaction.isModalSubmit()) {
    const extending = parseExtendModalId(interaction.customId);
    if (extending) return submitExtend(interaction, ctx, extending);
    return handleFormSubmit(interaction, ctx);
  }
  if (interaction.isButton()) return handleButton(interaction, ctx);
}

/**
 * Turns each interaction into a handler call. Every failure is caught here, logged with its code,
 * and told to the user in plain words: one interaction never takes the bot down.
 */
export function createInteractionRouter(ctx: BotContext) {
  const inFlight = new Set<Promise<void>>();
  let accepting = true;

  async function handle(interaction: Interaction): Promise<void> {
    const log = ctx.logger.child(describe(interaction));
    try {
      if (!accepting) {
        throw new ReelbotError('SHUTTING_DOWN', 'the Discord bot is stopping', {
          userMessage: 'reelbot is restarting. Please try again in a minute.',
        });
      }
      await dispatch(interaction, ctx);
    } catch (error) {
      const expected = error instanceof ReelbotError;
      log[expected ? 'info' : 'error']({ err: error, code: codeOf(error) }, 'interaction failed');
      await replyWithError(interaction, error, log);
    }
  }

  return {
    /** The `interactionCreate` listener; never rejects. */
    onInteraction(interaction: Interaction): void {
      const running = handle(interaction);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
    /** Stops taking interactions (they get a "restarting" answer) and waits for running handlers. */
    async drain(): Promise<void> {
      accepting = false;
      await Promise.allSettled([...inFlight]);
    },
  };
}
