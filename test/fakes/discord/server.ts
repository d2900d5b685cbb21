import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIAttachment, APIEmbed, APIMessage, APIUser } from 'discord.js';
import { createGateway, type FakeGateway } from './gateway.js';
import { DiscordApiError, matchPath, parseBody, readBody, sendEmpty, sendJson } from './http.js';
import {
  type ActorInput,
  autocomplete,
  buttonPress,
  type CommandOptionInput,
  defaultUser,
  type ModalValueInput,
  messageCommand,
  modalSubmit,
  slashCommand,
} from './interactions.js';
import { storeAttachment, userMessage } from './messages.js';
import { routes } from './rest-routes.js';
import { snowflake } from './snowflake.js';
import type { FakeDiscordState, InteractionRecord, RecordedCall } from './state.js';

export type { GatewayFrame } from './gateway.js';
export { defaultUser, managerPermissions, memberPermissions } from './interactions.js';
export type { FakeDiscordState, InteractionRecord, RecordedCall } from './state.js';

/** A canned failure for the next `times` calls whose route starts with `routePrefix`. */
export interface InjectedDiscordFault {
  method?: string;
  routePrefix: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  times: number;
  /** Never answer: the request is recorded with status 0 and held until the client gives up or `close`. */
  hang?: boolean;
}

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  /** Default `attachment_size_limit` of interactions and the channel upload limit. 10 MiB unless set. */
  attachmentSizeLimit?: number;
  /** The shard count `/gateway/bot` recommends; 1 unless a test shards. */
  recommendedShards?: number;
  heartbeatIntervalMs?: number;
  /** How long `waitForCall` waits before failing with a list of what did happen. */
  waitTimeoutMs?: number;
}

export interface FakeDiscord {
  /** What DISCORD_API_URL should be: `http://127.0.0.1:<port>/api`. */
  apiUrl: string;
  baseUrl: string;
  state: FakeDiscordState;
  /** The `DISCORD_*` environment for a reelbot process that talks to this fake. */
  env: Record<string, string>;
  gateway: FakeGateway;
  /** Every REST call, in order. */
  calls: RecordedCall[];
  /** The number of calls so far: pass it as `after` to wait only for later ones. */
  mark(): number;
  /** Resolves with the first call (at or after `after`) that matches. */
  waitForCall(predicate: (call: RecordedCall) => boolean, after?: number): Promise<RecordedCall>;
  /** Puts a file on the fake CDN as if a user had attached it. */
  uploadAttachment(input: {
    bytes: Buffer;
    filename: string;
    contentType?: string;
    width?: number;
    height?: number;
  }): APIAttachment;
  /** Dispatches a slash command over the gateway. */
  sendCommand(name: string, options: CommandOptionInput[], actor?: ActorInput): InteractionRecord;
  sendAutocomplete(name: string, options: CommandOptionInput[], actor?: ActorInput): InteractionRecord;
  submitModal(customId: string, values: ModalValueInput[], actor?: ActorInput): InteractionRecord;
  pressButton(messageId: string, customId: string, actor?: ActorInput): InteractionRecord;
  /** Puts a message from a person (the default user unless named) in the channel. */
  postUserMessage(input: {
    author?: APIUser;
    content?: string;
    attachments?: APIAttachment[];
    embeds?: APIEmbed[];
  }): APIMessage;
  /** Dispatches a message command (Apps menu on a message) for the message `messageId`. */
  sendMessageCommand(name: string, messageId: string, actor?: ActorInput): InteractionRecord;
  /** Resolves with the callback call the bot made for this interaction. */
  waitForCallback(interaction: InteractionRecord): Promise<RecordedCall>;
  /** Acts as if the interaction's 15-minute token had run out. */
  expireToken(interaction: InteractionRecord): void;
  message(id: string): APIMessage | undefined;
  inject(fault: Omit<InjectedDiscordFault, 'times'> & { times?: number }): void;
  close(): Promise<void>;
}

const prefix = '/api/v10';

/**
 * A local Discord for the real discord.js client: REST below `/api/v10` (what `rest.api` plus
 * `version: '10'` makes), a WebSocket gateway at `/gateway`, and a CDN at `/attachments`.
 * Every REST call is recorded with its JSON and multipart files for assertions.
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = options.applicationId ?? '1100000000000000001';
  const botUser: APIUser = {
    id: applicationId,
    username: 'reelbot',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
  const state: FakeDiscordState = {
    token: options.token ?? 'fake-discord-token',
    applicationId,
    botUser,
    guildId: '1200000000000000001',
    guildName: 'Reel Test Guild',
    channelId: '1300000000000000001',
    nsfwChannelId: '1300000000000000002',
    member: (user) => ({
      user,
      roles: [],
      joined_at: new Date(0).toISOString(),
      deaf: false,
      mute: false,
      flags: 0 as never,
    }),
    attachmentSizeLimit: options.attachmentSizeLimit ?? 10 * 1024 * 1024,
    recommendedShards: options.recommendedShards ?? 1,
    baseUrl: '',
    calls: [],
    globalCommands: [],
    guildCommands: new Map(),
    interactions: new Map(),
    messages: new Map(),
    attachments: new Map(),
  };
  const faults: InjectedDiscordFault[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);

    const cdn = matchPath('/attachments/:channel/:id/:filename', url.pathname);
    if (cdn && method === 'GET') {
      const stored = state.attachments.get(cdn.id!);
      if (!stored) return sendJson(res, 404, { message: 'Not Found' });
      res.writeHead(200, {
        'content-type': stored.attachment.content_type ?? 'application/octet-stream',
        'content-length': stored.bytes.length,
      });
      return res.end(stored.bytes);
    }
    if (!url.pathname.startsWith(`${prefix}/`))
      return sendJson(res, 404, { message: '404: Not Found', code: 0 });

    const route = decodeURIComponent(url.pathname.slice(prefix.length));
    const call: RecordedCall = {
      index: state.calls.length,
      method,
      route,
      query: url.searchParams,
      authorization: req.headers.authorization,
      files: [],
      multipart: false,
      status: 0,
    };
    try {
      const body = await parseBody(req, raw);
      call.json = body.json;
      call.files = body.files;
      call.multipart = body.multipart;

      const fault = faults.find(
        (f) => f.times > 0 && route.startsWith(f.routePrefix) && (!f.method || f.method === method),
      );
      if (fault?.hang) {
        fault.times--;
        state.calls.push(call);
        notify();
        return;
      }
      if (fault) {
        fault.times--;
        call.status = fault.status;
        call.response = fault.body ?? { message: `injected ${fault.status}`, code: 0 };
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        return res.end(JSON.stringify(call.response));
      }

      for (const candidate of routes) {
        if (candidate.method !== method) continue;
        const params = matchPath(candidate.path, route);
        if (!params) continue;
        if (candidate.bot && req.headers.authorization !== `Bot ${state.token}`)
          throw new DiscordApiError(401, 0, '401: Unauthorized');
        const result = candidate.handle({ params, query: url.searchParams, body, state, gatewayUrl });
        call.status = result.status;
        call.response = result.json;
        return result.json === undefined
          ? sendEmpty(res, result.status)
          : sendJson(res, result.status, result.json);
      }
      throw new DiscordApiError(404, 0, `404: Not Found (${method} ${route})`);
    } catch (error) {
      const failure =
        error instanceof DiscordApiError
          ? error
          : new DiscordApiError(500, 0, `fake discord: ${String(error)}`);
      call.status = failure.status;
      call.response = {
        message: failure.message,
        code: failure.code,
        ...(failure.errors ? { errors: failure.errors } : {}),
      };
      sendJson(res, failure.status, call.response);
    } finally {
      if (call.status !== 0) {
        state.calls.push(call);
        notify();
      }
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  const gateway = createGateway(server, state, {
    path: '/gateway',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
  });
  const waitTimeoutMs = options.waitTimeoutMs ?? 20_000;

  const waitForCall = (predicate: (call: RecordedCall) => boolean, after = 0) =>
    new Promise<RecordedCall>((resolve, reject) => {
      const find = () => state.calls.slice(after).find(predicate);
      const found = find();
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const seen = state.calls
          .slice(after)
          .map((c) => `${c.method} ${c.route} -> ${c.status}`)
          .join('\n  ');
        reject(new Error(`fake discord: no matching call within ${waitTimeoutMs} ms; calls:\n  ${seen}`));
      }, waitTimeoutMs);
      const waiter = () => {
        const call = find();
        if (!call) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(call);
      };
      waiters.add(waiter);
    });

  const send = (built: { payload: unknown; record: InteractionRecord }) => {
    state.interactions.set(built.record.id, built.record);
    gateway.dispatch('INTERACTION_CREATE', built.payload);
    return built.record;
  };

  return {
    apiUrl: `${state.baseUrl}/api`,
    baseUrl: state.baseUrl,
    state,
    env: {
      DISCORD_TOKEN: state.token,
      DISCORD_APPLICATION_ID: state.applicationId,
      DISCORD_API_URL: `${state.baseUrl}/api`,
    },
    gateway,
    calls: state.calls,
    mark: () => state.calls.length,
    waitForCall,
    uploadAttachment: (input) =>
      storeAttachment(state, {
        channelId: state.channelId,
        filename: input.filename,
        contentType: input.contentType,
        bytes: input.bytes,
        extra: {
          ephemeral: true,
          ...(input.width ? { width: input.width, height: input.height ?? input.width } : {}),
        },
      }),
    sendCommand: (name, opts, actor) => send(slashCommand(state, name, opts, actor)),
    sendAutocomplete: (name, opts, actor) => send(autocomplete(state, name, opts, actor)),
    submitModal: (customId, values, actor) => send(modalSubmit(state, customId, values, actor)),
    pressButton: (messageId, customId, actor) => send(buttonPress(state, messageId, customId, actor)),
    postUserMessage: (input) => userMessage(state, { ...input, author: input.author ?? defaultUser }),
    sendMessageCommand: (name, messageId, actor) => send(messageCommand(state, name, messageId, actor)),
    waitForCallback: (interaction) =>
      waitForCall(
        (call) => call.method === 'POST' && call.route.startsWith(`/interactions/${interaction.id}/`),
      ),
    expireToken(interaction) {
      interaction.expired = true;
    },
    message: (id) => state.messages.get(id),
    inject(fault) {
      faults.push({ ...fault, times: fault.times ?? 1 });
    },
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { snowflake };
