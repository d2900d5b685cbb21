import type { APIAttachment, APIEmbed, APIMessage, APIUser } from 'discord.js';
import { DiscordApiError, type Payload, type ReceivedFile } from './http.js';
import { snowflake } from './snowflake.js';
import type { FakeDiscordState } from './state.js';
import { validateMessage } from './validation.js';

/** Keeps bytes on the fake CDN and returns the attachment object Discord would. */
export function storeAttachment(
  state: FakeDiscordState,
  input: {
    channelId: string;
    filename: string;
    contentType?: string;
    bytes: Buffer;
    extra?: Partial<APIAttachment>;
  },
): APIAttachment {
  const id = snowflake();
  const url = `${state.baseUrl}/attachments/${input.channelId}/${id}/${encodeURIComponent(input.filename)}`;
  const attachment: APIAttachment = {
    id,
    filename: input.filename,
    size: input.bytes.length,
    url,
    proxy_url: url,
    ...(input.contentType ? { content_type: input.contentType } : {}),
    ...input.extra,
  };
  state.attachments.set(id, { attachment, bytes: input.bytes, channelId: input.channelId });
  return attachment;
}

function checkSizes(files: ReceivedFile[], limit: number): void {
  for (const file of files) {
    if (file.bytes.length > limit)
      throw new DiscordApiError(
        413,
        40005,
        `Request entity too large (${file.name}: ${file.bytes.length} > ${limit})`,
      );
  }
}

/** The files of a request, matched to `attachments: [{ id: n }]` entries through `files[n]`. */
function newAttachments(state: FakeDiscordState, channelId: string, body: Payload, files: ReceivedFile[]) {
  const described: Payload[] = Array.isArray(body?.attachments) ? body.attachments : [];
  return files.map((file) => {
    const index = /^files\[(\d+)\]$/.exec(file.field)?.[1];
    const meta = described.find((a) => String(a.id) === index);
    return storeAttachment(state, {
      channelId,
      filename: meta?.filename ?? file.name,
      contentType: file.contentType,
      bytes: file.bytes,
      extra: meta?.description ? { description: meta.description } : {},
    });
  });
}

/** Creates a message as the bot (channel message, interaction response or followup). */
export function createMessage(
  state: FakeDiscordState,
  input: {
    channelId: string;
    body: Payload;
    files: ReceivedFile[];
    sizeLimit: number;
    type?: number;
    interaction?: { id: string; type: number; userId: string };
    flags?: number;
  },
): APIMessage {
  validateMessage(input.body);
  checkSizes(input.files, input.sizeLimit);
  const body = input.body ?? {};
  const message: APIMessage = {
    id: snowflake(),
    channel_id: input.channelId,
    author: state.botUser,
    content: body.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: newAttachments(state, input.channelId, body, input.files),
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    pinned: false,
    type: input.type ?? 0,
    flags: (body.flags ?? 0) | (input.flags ?? 0),
    ...(input.interaction
      ? {
          application_id: state.applicationId,
          webhook_id: state.applicationId,
          interaction_metadata: {
            id: input.interaction.id,
            type: input.interaction.type,
            user: { id: input.interaction.userId } as never,
            authorizing_integration_owners: {},
          } as never,
        }
      : {}),
  };
  state.messages.set(message.id, message);
  return message;
}

/**
 * Edits a message. `attachments` in the body lists what to keep (by id) and describes new files;
 * without it, existing attachments stay and new files are added, as on Discord.
 */
export function editMessage(
  state: FakeDiscordState,
  message: APIMessage,
  body: Payload,
  files: ReceivedFile[],
  sizeLimit: number,
): APIMessage {
  validateMessage(body);
  checkSizes(files, sizeLimit);
  body ??= {};
  const added = newAttachments(state, message.channel_id, body, files);
  let kept = message.attachments;
  if (Array.isArray(body.attachments)) {
    const keepIds = new Set(body.attachments.map((a: Payload) => String(a.id)));
    kept = message.attachments.filter((a) => keepIds.has(a.id));
  }
  const loading = 1 << 7;
  const edited: APIMessage = {
    ...message,
    content: body.content !== undefined ? (body.content ?? '') : message.content,
    embeds: body.embeds !== undefined ? (body.embeds ?? []) : message.embeds,
    components: body.components !== undefined ? (body.components ?? []) : message.components,
    attachments: [...kept, ...added],
    // The first edit of a deferred response replaces the "thinking" state.
    flags: (message.flags ?? 0) & ~loading,
    edited_timestamp: new Date().toISOString(),
  };
  state.messages.set(message.id, edited);
  return edited;
}

/** A message a person posted in the channel (not the bot), with files already on the fake CDN. */
export function userMessage(
  state: FakeDiscordState,
  input: { author: APIUser; content?: string; attachments?: APIAttachment[]; embeds?: APIEmbed[] },
): APIMessage {
  const message: APIMessage = {
    id: snowflake(),
    channel_id: state.channelId,
    author: input.author,
    content: input.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    // A person's files are public in the channel, unlike the ephemeral upload of a slash command.
    attachments: (input.attachments ?? []).map(({ ephemeral: _, ...attachment }) => attachment),
    embeds: input.embeds ?? [],
    pinned: false,
    type: 0,
    flags: 0 as never,
  };
  state.messages.set(message.id, message);
  return message;
}
