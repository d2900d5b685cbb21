import type { APIApplicationCommand, APIMessage } from 'discord.js';
import { DiscordApiError, type ParsedBody, type Payload } from './http.js';
import { createMessage, editMessage } from './messages.js';
import { snowflake } from './snowflake.js';
import type { FakeDiscordState, InteractionRecord } from './state.js';
import { validateChoices, validateCommands, validateModal } from './validation.js';

/** What a route answers: a status and an optional JSON body. */
export interface RouteResult {
  status: number;
  json?: unknown;
}

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: ParsedBody;
  state: FakeDiscordState;
  /** The gateway URL to hand out from /gateway/bot. */
  gatewayUrl: string;
}

export interface Route {
  method: string;
  path: string;
  /** Whether the route needs `Authorization: Bot <token>`; interaction webhooks do not. */
  bot: boolean;
  handle(context: RouteContext): RouteResult;
}

const ephemeral = 1 << 6;
const loading = 1 << 7;

function interactionOf(state: FakeDiscordState, id: string, token: string): InteractionRecord {
  const interaction = state.interactions.get(id);
  if (!interaction || interaction.token !== token)
    throw new DiscordApiError(404, 10062, 'Unknown interaction');
  return interaction;
}

/** Interaction webhooks answer 401 once the 15-minute token has expired. */
function interactionByToken(state: FakeDiscordState, appId: string, token: string): InteractionRecord {
  if (appId !== state.applicationId) throw new DiscordApiError(404, 10015, 'Unknown Webhook');
  const interaction = [...state.interactions.values()].find((i) => i.token === token);
  if (!interaction) throw new DiscordApiError(404, 10015, 'Unknown Webhook');
  if (interaction.expired) throw new DiscordApiError(401, 50027, 'Invalid Webhook Token');
  return interaction;
}

function messageOf(state: FakeDiscordState, id: string | undefined): APIMessage {
  const message = id ? state.messages.get(id) : undefined;
  if (!message) throw new DiscordApiError(404, 10008, 'Unknown Message');
  return message;
}

function webhookMessage(
  state: FakeDiscordState,
  interaction: InteractionRecord,
  messageId: string,
): APIMessage {
  return messageOf(state, messageId === '@original' ? interaction.originalMessageId : messageId);
}

function putCommands(state: FakeDiscordState, body: Payload, guildId?: string): APIApplicationCommand[] {
  validateCommands(body);
  const previous = guildId ? (state.guildCommands.get(guildId) ?? []) : state.globalCommands;
  const commands = (body as Payload[]).map((command) => ({
    ...command,
    id: previous.find((p) => p.name === command.name)?.id ?? snowflake(),
    application_id: state.applicationId,
    type: command.type ?? 1,
    version: snowflake(),
    default_member_permissions: command.default_member_permissions ?? null,
    ...(guildId ? { guild_id: guildId } : {}),
  })) as APIApplicationCommand[];
  if (guildId) state.guildCommands.set(guildId, commands);
  else state.globalCommands = commands;
  return commands;
}

function callback(context: RouteContext): RouteResult {
  const { state, params, body, query } = context;
  const interaction = interactionOf(state, params.id!, params.token!);
  if (interaction.callback)
    throw new DiscordApiError(400, 40060, 'Interaction has already been acknowledged.');
  const payload = body.json as { type: number; data?: Payload };
  const data = payload?.data;
  let message: APIMessage | undefined;
  switch (payload?.type) {
    case 4:
    case 5:
      message = createMessage(state, {
        channelId: interaction.channelId,
        body: payload.type === 4 ? data : { flags: data?.flags },
        files: body.files,
        sizeLimit: interaction.attachmentSizeLimit,
        type: interaction.type === 2 ? 20 : 0,
        interaction: { id: interaction.id, type: interaction.type, userId: interaction.user.id },
        flags: payload.type === 5 ? loading : 0,
      });
      interaction.originalMessageId = message.id;
      break;
    case 6:
    case 7: {
      if (!interaction.sourceMessageId) throw new DiscordApiError(400, 50035, 'Invalid Form Body', ['type']);
      interaction.originalMessageId = interaction.sourceMessageId;
      if (payload.type === 7) {
        const source = messageOf(state, interaction.sourceMessageId);
        message = editMessage(state, source, data, body.files, interaction.attachmentSizeLimit);
      }
      break;
    }
    case 8:
      if (interaction.type !== 4) throw new DiscordApiError(400, 50035, 'Invalid Form Body', ['type']);
      validateChoices(data);
      break;
    case 9:
      if (interaction.type === 5) throw new DiscordApiError(400, 50035, 'Invalid Form Body', ['type']);
      validateModal(data);
      break;
    default:
      throw new DiscordApiError(400, 50035, 'Invalid Form Body', [`type ${payload?.type}`]);
  }
  interaction.callback = { type: payload.type, data, files: body.files };
  if (query.get('with_response') !== 'true') return { status: 204 };
  return {
    status: 200,
    json: {
      interaction: {
        id: interaction.id,
        type: interaction.type,
        activity_instance_id: null,
        response_message_id: message?.id ?? null,
        response_message_loading: payload.type === 5,
        response_message_ephemeral: Boolean((message?.flags ?? 0) & ephemeral),
      },
      resource: message ? { type: payload.type, message } : { type: payload.type },
    },
  };
}

/** The REST routes discord.js and @discordjs/rest use, below `/api/v10`. */
export const routes: Route[] = [
  {
    method: 'GET',
    path: '/gateway/bot',
    bot: true,
    handle: ({ gatewayUrl, state }) => ({
      status: 200,
      json: {
        url: gatewayUrl,
        shards: state.recommendedShards,
        // Large bots get a higher concurrency; with 1, discord.js waits 5 s between shard logins.
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 16 },
      },
    }),
  },
  {
    method: 'GET',
    path: '/gateway',
    bot: false,
    handle: ({ gatewayUrl }) => ({ status: 200, json: { url: gatewayUrl } }),
  },
  {
    method: 'GET',
    path: '/users/@me',
    bot: true,
    handle: ({ state }) => ({ status: 200, json: state.botUser }),
  },
  {
    method: 'GET',
    path: '/applications/@me',
    bot: true,
    handle: ({ state }) => ({
      status: 200,
      json: { id: state.applicationId, name: state.botUser.username, bot: state.botUser, flags: 0 },
    }),
  },
  {
    method: 'GET',
    path: '/applications/:app/commands',
    bot: true,
    handle: ({ state }) => ({ status: 200, json: state.globalCommands }),
  },
  {
    method: 'PUT',
    path: '/applications/:app/commands',
    bot: true,
    handle: ({ state, body }) => ({ status: 200, json: putCommands(state, body.json) }),
  },
  {
    method: 'GET',
    path: '/applications/:app/guilds/:guild/commands',
    bot: true,
    handle: ({ state, params }) => ({ status: 200, json: state.guildCommands.get(params.guild!) ?? [] }),
  },
  {
    method: 'PUT',
    path: '/applications/:app/guilds/:guild/commands',
    bot: true,
    handle: ({ state, body, params }) => ({ status: 200, json: putCommands(state, body.json, params.guild) }),
  },
  { method: 'POST', path: '/interactions/:id/:token/callback', bot: false, handle: callback },
  {
    method: 'GET',
    path: '/webhooks/:app/:token/messages/:message',
    bot: false,
    handle: ({ state, params }) => {
      const interaction = interactionByToken(state, params.app!, params.token!);
      return { status: 200, json: webhookMessage(state, interaction, params.message!) };
    },
  },
  {
    method: 'PATCH',
    path: '/webhooks/:app/:token/messages/:message',
    bot: false,
    handle: ({ state, params, body }) => {
      const interaction = interactionByToken(state, params.app!, params.token!);
      const message = webhookMessage(state, interaction, params.message!);
      return {
        status: 200,
        json: editMessage(state, message, body.json, body.files, interaction.attachmentSizeLimit),
      };
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:app/:token/messages/:message',
    bot: false,
    handle: ({ state, params }) => {
      const interaction = interactionByToken(state, params.app!, params.token!);
      state.messages.delete(webhookMessage(state, interaction, params.message!).id);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/webhooks/:app/:token',
    bot: false,
    handle: ({ state, params, body }) => {
      const interaction = interactionByToken(state, params.app!, params.token!);
      if (!interaction.callback) throw new DiscordApiError(404, 10015, 'Unknown Webhook');
      const message = createMessage(state, {
        channelId: interaction.channelId,
        body: body.json,
        files: body.files,
        sizeLimit: interaction.attachmentSizeLimit,
        interaction: { id: interaction.id, type: interaction.type, userId: interaction.user.id },
      });
      return { status: 200, json: message };
    },
  },
  {
    method: 'GET',
    path: '/channels/:channel',
    bot: true,
    handle: ({ state, params }) => {
      if (params.channel !== state.channelId) throw new DiscordApiError(404, 10003, 'Unknown Channel');
      return {
        status: 200,
        json: { id: state.channelId, type: 0, guild_id: state.guildId, name: 'videos', position: 0 },
      };
    },
  },
  {
    method: 'POST',
    path: '/channels/:channel/messages',
    bot: true,
    handle: ({ state, params, body }) => ({
      status: 200,
      json: createMessage(state, {
        channelId: params.channel!,
        body: body.json,
        files: body.files,
        sizeLimit: state.attachmentSizeLimit,
      }),
    }),
  },
  {
    method: 'GET',
    path: '/channels/:channel/messages/:message',
    bot: true,
    handle: ({ state, params }) => ({ status: 200, json: messageOf(state, params.message) }),
  },
  {
    method: 'PATCH',
    path: '/channels/:channel/messages/:message',
    bot: true,
    handle: ({ state, params, body }) => {
      const message = messageOf(state, params.message);
      if (message.channel_id !== params.channel) throw new DiscordApiError(404, 10008, 'Unknown Message');
      if ((message.flags ?? 0) & ephemeral) throw new DiscordApiError(404, 10008, 'Unknown Message');
      return {
        status: 200,
        json: editMessage(state, message, body.json, body.files, state.attachmentSizeLimit),
      };
    },
  },
];
