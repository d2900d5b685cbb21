import { animateShortcutId } from './commands/open-modal.js';
import { slackEventsPath } from './receiver.js';

/** The bot scopes reelbot asks for when installed. */
export const slackBotScopes = ['commands', 'chat:write', 'files:read', 'files:write', 'users:read'];

/** The slash commands the bot answers, with their help text. */
export const slackCommands = [
  { command: '/video', description: 'Make a video from a prompt', usage_hint: '[owner/model] [prompt]' },
  { command: '/animate', description: 'Bring an image to life', usage_hint: '[prompt]' },
  { command: '/simulate', description: 'A physics simulation from a sentence', usage_hint: '<prompt>' },
  {
    command: '/reelbot',
    description: 'What reelbot can do',
    usage_hint: 'help | jobs | compare | usage | gallery | settings',
  },
];

/**
 * A Slack app manifest (Slack's "Create an app from a manifest") for this reelbot: its commands,
 * the "Animate this image" shortcut, the scopes, and where Slack posts. In HTTP mode everything
 * goes to `/slack/events`, including the options of the model chooser (`message_menu_options_url`),
 * so `publicUrl` is needed; in Socket Mode no URL is.
 */
export function slackAppManifest(options: { publicUrl?: string; socketMode: boolean }) {
  if (!options.socketMode && !options.publicUrl)
    throw new Error('An HTTP-mode Slack app needs PUBLIC_URL: Slack must reach /slack/events');
  const url = options.socketMode ? undefined : `${options.publicUrl}${slackEventsPath}`;
  return {
    display_information: {
      name: 'reelbot',
      description: 'Turns prompts and images into videos',
    },
    features: {
      bot_user: { display_name: 'reelbot', always_online: true },
      shortcuts: [
        {
          name: 'Animate this image',
          type: 'message',
          callback_id: animateShortcutId,
          description: 'Turn the image in this message into a video',
        },
      ],
      slash_commands: slackCommands.map((command) => ({
        ...command,
        should_escape: false,
        ...(url ? { url } : {}),
      })),
    },
    oauth_config: { scopes: { bot: slackBotScopes } },
    settings: {
      interactivity: url
        ? { is_enabled: true, request_url: url, message_menu_options_url: url }
        : { is_enabled: true },
      socket_mode_enabled: options.socketMode,
      org_deploy_enabled: false,
      token_rotation_enabled: false,
    },
  };
}
