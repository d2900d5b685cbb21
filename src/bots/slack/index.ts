/**
 * The Slack bot: `createSlackBot(deps)` gives a `ChatAdapter` whose `httpHandler` the web server
 * mounts at `/slack/events` (HTTP mode), or which connects by itself (Socket Mode, when
 * `SLACK_APP_TOKEN` is set).
 */
export { createSlackBot, type SlackBot } from './app.js';
export type { SlackBotDeps } from './bot-deps.js';
export { animateShortcutId } from './commands/open-modal.js';
export { slackAppManifest, slackBotScopes, slackCommands } from './manifest.js';
export { type NodeHandler, slackEventsPath } from './receiver.js';
