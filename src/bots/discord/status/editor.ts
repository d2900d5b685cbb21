import {
  type APIMessage,
  DiscordAPIError,
  type RawFile,
  type REST,
  type RESTPatchAPIChannelMessageJSONBody,
  Routes,
} from 'discord.js';
import type { DiscordMessageRef } from './status-ref.js';

/** A message body and its files, sent as one edit. */
export interface MessageEdit {
  body: RESTPatchAPIChannelMessageJSONBody;
  files?: RawFile[];
}

/** Discord's answer when the interaction token is no longer valid (older than 15 minutes). */
function isDeadToken(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError && (error.status === 401 || error.code === 50027 || error.code === 10015)
  );
}

/** Discord's answer when a file is over the upload limit. */
export function isTooLarge(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.status === 413 || error.code === 40005);
}

/**
 * Edits one status message: through the interaction webhook while its token lives, then with the
 * bot token on the channel message (which also works after a restart). Learns the message id from
 * Discord's answers and reports every change of the ref, so it can be stored.
 */
export function createMessageEditor(options: {
  rest: REST;
  ref: DiscordMessageRef;
  clock: () => number;
  onRefChange(ref: DiscordMessageRef): void;
}) {
  const { rest, clock } = options;
  let ref = { ...options.ref };
  const change = (patch: Partial<DiscordMessageRef>) => {
    ref = { ...ref, ...patch };
    options.onRefChange(ref);
  };
  const learn = (message: APIMessage) => {
    if (message?.id && message.id !== ref.messageId) change({ messageId: message.id });
  };

  async function edit({ body, files }: MessageEdit): Promise<void> {
    const token = ref.interactionToken;
    if (token && (ref.tokenExpiresAt ?? 0) > clock()) {
      try {
        const message = (await rest.patch(Routes.webhookMessage(ref.applicationId, token, ref.messageId), {
          body,
          files,
          auth: false,
        })) as APIMessage;
        learn(message);
        return;
      } catch (error) {
        if (!isDeadToken(error)) throw error;
      }
    }
    if (token) change({ interactionToken: undefined, tokenExpiresAt: undefined });
    if (ref.messageId) {
      await rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), { body, files });
      return;
    }
    // The token died before Discord told us the message id: post a new message instead.
    learn((await rest.post(Routes.channelMessages(ref.channelId), { body, files })) as APIMessage);
  }

  return {
    edit,
    get ref() {
      return ref;
    },
    update: change,
  };
}

export type MessageEditor = ReturnType<typeof createMessageEditor>;
