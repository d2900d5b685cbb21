import type { APIAttachment, APIUser } from 'discord.js';
import { interactionToken, snowflake } from './snowflake.js';
import type { FakeDiscordState, InteractionRecord } from './state.js';

/** A slash command option as a user fills it. Attachments are given as the attachment object. */
export interface CommandOptionInput {
  name: string;
  /** 3 string, 4 integer, 5 boolean, 10 number, 11 attachment. Guessed from the value when absent. */
  type?: number;
  value: string | number | boolean | APIAttachment;
  focused?: boolean;
}

/** A component of a submitted modal, as the user filled it. */
export type ModalValueInput =
  | { customId: string; value: string }
  | { customId: string; values: string[] }
  | { customId: string; files: APIAttachment[] };

/** Who is acting and where. */
export interface ActorInput {
  user?: APIUser;
  /** The interaction's `attachment_size_limit`; the fake's default otherwise. */
  attachmentSizeLimit?: number;
  /**
   * The member's permissions in the channel, as Discord's decimal bit string; by default a member
   * without Manage Server (0x20) or Administrator (0x8).
   */
  memberPermissions?: string;
  /** Act in the guild's age-restricted channel (`state.nsfwChannelId`) instead of the ordinary one. */
  nsfwChannel?: boolean;
}

/** A plain member's permissions: neither Manage Server (0x20) nor Administrator (0x8). */
export const memberPermissions = '2248473465835073';
/** A server admin: Manage Server on top of a plain member's permissions. */
export const managerPermissions = String(BigInt(memberPermissions) | 0x20n);

function optionType(option: CommandOptionInput): number {
  if (option.type) return option.type;
  if (typeof option.value === 'boolean') return 5;
  if (typeof option.value === 'number') return Number.isInteger(option.value) ? 4 : 10;
  if (typeof option.value === 'object') return 11;
  return 3;
}

function base(state: FakeDiscordState, type: number, actor: ActorInput, data: unknown) {
  const user = actor.user ?? defaultUser;
  const id = snowflake();
  const token = interactionToken();
  const attachmentSizeLimit = actor.attachmentSizeLimit ?? state.attachmentSizeLimit;
  const channel = actor.nsfwChannel
    ? { id: state.nsfwChannelId, type: 0, guild_id: state.guildId, name: 'after-dark', nsfw: true }
    : { id: state.channelId, type: 0, guild_id: state.guildId, name: 'videos', nsfw: false };
  const payload = {
    id,
    application_id: state.applicationId,
    type,
    token,
    version: 1,
    data,
    guild_id: state.guildId,
    guild: { id: state.guildId, locale: 'en-US', features: [] },
    channel_id: channel.id,
    channel,
    member: { ...state.member(user), permissions: actor.memberPermissions ?? memberPermissions },
    app_permissions: '2248473465835073',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': state.guildId },
    context: 0,
    attachment_size_limit: attachmentSizeLimit,
  };
  const record: InteractionRecord = {
    id,
    token,
    type,
    channelId: channel.id,
    guildId: state.guildId,
    user,
    attachmentSizeLimit,
    expired: false,
    payload,
  };
  return { payload, record };
}

/** The user who acts unless a test names another. */
export const defaultUser: APIUser = {
  id: '310000000000000001',
  username: 'ada',
  global_name: 'Ada',
  discriminator: '0',
  avatar: null,
};

function commandData(state: FakeDiscordState, name: string, options: CommandOptionInput[]) {
  const command = state.globalCommands.find((c) => c.name === name) ??
    [...state.guildCommands.values()].flat().find((c) => c.name === name) ?? { id: snowflake() };
  const attachments: Record<string, APIAttachment> = {};
  const apiOptions = options.map((option) => {
    const type = optionType(option);
    let value = option.value;
    if (type === 11 && typeof value === 'object') {
      attachments[value.id] = value;
      value = value.id;
    }
    return { name: option.name, type, value, ...(option.focused ? { focused: true } : {}) };
  });
  return {
    id: command.id,
    name,
    type: 1,
    guild_id: state.guildId,
    options: apiOptions,
    ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}),
  };
}

/** A chat input command (interaction type 2). */
export function slashCommand(
  state: FakeDiscordState,
  name: string,
  options: CommandOptionInput[],
  actor: ActorInput = {},
) {
  return base(state, 2, actor, commandData(state, name, options));
}

/** An autocomplete request (type 4); exactly one option should be `focused`. */
export function autocomplete(
  state: FakeDiscordState,
  name: string,
  options: CommandOptionInput[],
  actor: ActorInput = {},
) {
  return base(state, 4, actor, commandData(state, name, options));
}

/** A modal submission (type 5) with Label-wrapped components, as Discord sends them since Labels. */
export function modalSubmit(
  state: FakeDiscordState,
  customId: string,
  values: ModalValueInput[],
  actor: ActorInput = {},
) {
  const attachments: Record<string, APIAttachment> = {};
  let nextId = 1;
  const components = values.map((input) => {
    let component: Record<string, unknown>;
    if ('value' in input)
      component = { type: 4, id: nextId + 1, custom_id: input.customId, value: input.value };
    else if ('values' in input)
      component = { type: 3, id: nextId + 1, custom_id: input.customId, values: input.values };
    else {
      for (const file of input.files) attachments[file.id] = file;
      component = {
        type: 19,
        id: nextId + 1,
        custom_id: input.customId,
        values: input.files.map((f) => f.id),
      };
    }
    const label = { type: 18, id: nextId, component };
    nextId += 2;
    return label;
  });
  return base(state, 5, actor, {
    custom_id: customId,
    components,
    ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}),
  });
}

/** A button press (type 3) on a message the bot sent. */
export function buttonPress(
  state: FakeDiscordState,
  messageId: string,
  customId: string,
  actor: ActorInput = {},
) {
  const message = state.messages.get(messageId);
  if (!message) throw new Error(`fake discord: no message ${messageId}`);
  const built = base(state, 3, actor, { custom_id: customId, component_type: 2 });
  Object.assign(built.payload, { message });
  built.record.sourceMessageId = messageId;
  return built;
}

/**
 * A message command (type 2 with `data.type` 3) chosen from the Apps menu of a message: Discord
 * sends the message itself in `data.resolved.messages`, keyed by `data.target_id`.
 */
export function messageCommand(
  state: FakeDiscordState,
  name: string,
  messageId: string,
  actor: ActorInput = {},
) {
  const message = state.messages.get(messageId);
  if (!message) throw new Error(`fake discord: no message ${messageId}`);
  const command = state.globalCommands.find((c) => c.name === name && c.type === 3) ??
    [...state.guildCommands.values()].flat().find((c) => c.name === name && c.type === 3) ?? {
      id: snowflake(),
    };
  return base(state, 2, actor, {
    id: command.id,
    name,
    type: 3,
    guild_id: state.guildId,
    target_id: messageId,
    resolved: { messages: { [messageId]: message } },
  });
}
