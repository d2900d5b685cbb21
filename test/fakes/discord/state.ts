import type { APIApplicationCommand, APIAttachment, APIGuildMember, APIMessage, APIUser } from 'discord.js';
import type { Payload, ReceivedFile } from './http.js';

/** One REST call the fake answered, kept for assertions. */
export interface RecordedCall {
  /** Position in the record, from 0. */
  index: number;
  method: string;
  /** The route after `/api/v10`, e.g. `/interactions/123/tok/callback`. */
  route: string;
  query: URLSearchParams;
  authorization?: string;
  /** The JSON body, or `payload_json` of a multipart body. */
  json?: Payload;
  files: ReceivedFile[];
  multipart: boolean;
  /** The HTTP status answered; 0 while a `hang` fault holds the request. */
  status: number;
  /** What the fake answered, when JSON. */
  response?: Payload;
}

/** A file kept by the fake CDN. */
export interface StoredAttachment {
  attachment: APIAttachment;
  bytes: Buffer;
  channelId: string;
}

/** An interaction the fake dispatched, and what the bot did with it. */
export interface InteractionRecord {
  id: string;
  token: string;
  /** Interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  channelId: string;
  guildId?: string;
  user: APIUser;
  attachmentSizeLimit: number;
  /** The callback the bot sent, once it did. */
  callback?: { type: number; data?: Payload; files: ReceivedFile[] };
  /** The message `@original` refers to. */
  originalMessageId?: string;
  /** The message a button was on. */
  sourceMessageId?: string;
  /** Set by tests to act as if the 15-minute token lifetime had passed. */
  expired: boolean;
  /** The raw payload sent over the gateway. */
  payload: Payload;
}

/** Everything the fake Discord knows; tests read it directly. */
export interface FakeDiscordState {
  token: string;
  applicationId: string;
  botUser: APIUser;
  guildId: string;
  guildName: string;
  channelId: string;
  /** A second text channel of the guild, age-restricted (`nsfw: true`); interactions come from `channelId` unless an actor names this one. */
  nsfwChannelId: string;
  member: (user: APIUser) => APIGuildMember;
  /** Upload limit for bot messages in channels, and the default for interactions. */
  attachmentSizeLimit: number;
  /** The shard count `/gateway/bot` recommends (what discord.js's `shards: 'auto'` uses). */
  recommendedShards: number;
  /** The base URL of the server, e.g. http://127.0.0.1:1234. */
  baseUrl: string;
  calls: RecordedCall[];
  globalCommands: APIApplicationCommand[];
  guildCommands: Map<string, APIApplicationCommand[]>;
  interactions: Map<string, InteractionRecord>;
  messages: Map<string, APIMessage>;
  attachments: Map<string, StoredAttachment>;
}
