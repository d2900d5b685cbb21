/**
 * The Discord adapter: `createDiscordBot(deps)` gives a `ChatAdapter` whose `start()` registers the
 * commands of commands.json (when they changed), connects, and serves `/video`, `/animate`,
 * `/models`, `/simulate`, `/gallery` and `/jobs` on the core generation service.
 */
export { createDiscordBot, type DiscordBot, type DiscordBotDeps } from './bot.js';
export {
  commandsFile,
  loadCommands,
  type RegisterCommandsOptions,
  type RegisterCommandsResult,
  registerCommands,
} from './command-registration.js';
export type { DiscordMessageRef } from './status/status-ref.js';
