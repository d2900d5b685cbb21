import { stdSerializers } from 'pino';
import type { Logger } from '../../core/logger.js';

// An interaction token is a path segment of the interaction callback and of webhook edits, and
// discord.js puts the request URL into every DiscordAPIError and HTTPError.
const tokenInPath = /(\/(?:interactions|webhooks)\/\d+\/)[^/?#\s"]+/g;

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.replace(tokenInPath, '$1[secret]');
  if (!value || typeof value !== 'object' || depth > 5) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, depth + 1)]));
}

/**
 * The Discord bot's logger: `platform: discord` on every line, and errors logged without the
 * interaction tokens in their request URLs (a token lets anyone post as the bot for 15 minutes).
 */
export function discordLogger(logger: Logger): Logger {
  return logger.child(
    { platform: 'discord' },
    { serializers: { err: (error: Error) => scrub(stdSerializers.err(error), 0) } },
  );
}
