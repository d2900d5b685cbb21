import type { ChatInputCommandInteraction, MessageContextMenuCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { runAnimateCommand } from './animate.js';
import { animateMessageCommand, runAnimateMessageCommand } from './animate-message.js';
import { runCompareCommand } from './compare.js';
import { runGalleryCommand } from './gallery.js';
import { runJobsCommand } from './jobs.js';
import { runModelsCommand } from './models.js';
import { runSettingsCommand } from './settings.js';
import { runSimulateCommand } from './simulate.js';
import { runUsageCommand } from './usage.js';
import { runVideoCommand } from './video.js';

export type CommandHandler = (interaction: ChatInputCommandInteraction, ctx: BotContext) => Promise<void>;

/** The handler of each command in commands.json, by name. */
export const commandHandlers: Record<string, CommandHandler> = {
  video: runVideoCommand,
  animate: runAnimateCommand,
  compare: runCompareCommand,
  models: runModelsCommand,
  simulate: runSimulateCommand,
  gallery: runGalleryCommand,
  jobs: runJobsCommand,
  usage: runUsageCommand,
  settings: runSettingsCommand,
};

export type MessageCommandHandler = (
  interaction: MessageContextMenuCommandInteraction,
  ctx: BotContext,
) => Promise<void>;

/** The handler of each message command (type 3, Apps menu on a message) in commands.json, by name. */
export const messageCommandHandlers: Record<string, MessageCommandHandler> = {
  [animateMessageCommand]: runAnimateMessageCommand,
};
