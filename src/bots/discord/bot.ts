import { once } from 'node:events';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { ChatAdapter } from '../../core/chat/adapter.js';
import { createGalleryLinks } from '../../core/chat/gallery-links.js';
import type { Config } from '../../core/config.js';
import { ConfigError, codeOf, ReelbotError } from '../../core/errors.js';
import type { FavoriteStore } from '../../core/generations/favorites.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { GroupService } from '../../core/generations/groups/group-service.js';
import type { ServerRules } from '../../core/generations/server-rules.js';
import type { GenerationService } from '../../core/generations/service-types.js';
import { type Generation, type GenerationEvent, isFinal } from '../../core/generations/types.js';
import type { Logger } from '../../core/logger.js';
import { createMediaStorage } from '../../core/media/configured-storage.js';
import type { MediaStorage } from '../../core/media/storage.js';
import type { FitVideo } from '../../core/media/upload.js';
import type { Catalog } from '../../core/replicate/catalog.js';
import type { CatalogCache } from '../../core/replicate/catalog-cache.js';
import { realTimers, type Timers } from '../../core/timers.js';
import { registerCommands } from './command-registration.js';
import type { BotContext } from './context.js';
import { createFormDrafts } from './drafts.js';
import { discordLogger } from './logger.js';
import { createDiscordTransport } from './rest-transport.js';
import { createInteractionRouter } from './router.js';
import { clientShardOptions, createShardOwnership, registersCommands } from './shards.js';
import { createGroupMessages } from './status/group-message.js';
import { asDiscordMessageRef } from './status/status-ref.js';
import { createStatusMessages } from './status/tracker.js';

/** What the Discord bot is built from. Everything past `logger` has a real default. */
export interface DiscordBotDeps {
  /** `config.discord` must be set (DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_API_URL). */
  config: Config;
  service: GenerationService;
  catalog: Catalog;
  store: {
    generations: Pick<GenerationStore, 'get' | 'list' | 'listUnfinished'>;
    /** Keeps the hash of the registered commands, so `start` registers only when they change. */
    catalogCache: CatalogCache;
    /** The Favorite button's marks; the button is shown only when given. */
    favorites?: FavoriteStore;
  };
  logger: Logger;
  /** Where finished media is read from; the configured storage (DATA_DIR or S3) by default. */
  media?: MediaStorage;
  /** Re-encodes a video to fit the upload limit; the core's `fitToSize` by default. */
  fitToSize?: FitVideo;
  clock?: () => number;
  timers?: Timers;
  /** Least time between two edits of one status message; 1500 ms. */
  statusEditIntervalMs?: number;
  /** How long an interaction waits for the catalog before answering anyway; 2000 ms (Discord allows 3 s). */
  lookupTimeoutMs?: number;
  /** Command registration at start: when `commands.json` changed (default), always, or never. */
  registerCommands?: 'if-changed' | 'always' | 'never';
  /** Registers the commands in this guild instead of globally. */
  commandGuildId?: string;
  /** The model `/animate` uses when none is given; the most run image-to-video model otherwise. */
  defaultImageModel?: string;
  /** Compare and batch (`/compare`, `/video count:`); the commands say they are unavailable without it. */
  groups?: GroupService;
  /** Each server's settings; without them `/settings` says it is unavailable and nothing is filtered. */
  rules?: ServerRules;
  /** Subscribe to the service's events in `start` (default). Set false when the caller forwards events to `render`. */
  subscribe?: boolean;
}

/** The Discord adapter, with its client for tests and tools. */
export interface DiscordBot extends ChatAdapter {
  readonly platform: 'discord';
  readonly client: Client;
  render(event: GenerationEvent): Promise<void>;
  /** Resolves once every status message shows the newest state it was given. */
  idle(): Promise<void>;
}

// A finished generation or group whose final message was never shown (the bot was down) gets it at start.
const finalCatchUpMs = 60 * 60 * 1000;

/** What `reelbot start` tells the person running it when discord.js cannot log in. */
function loginError(error: unknown, apiUrl: string): Error {
  if ((error as { code?: unknown }).code === 'TokenInvalid')
    return new ConfigError([
      'Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot, Reset Token)',
    ]);
  return new ReelbotError(
    'DISCORD_LOGIN_FAILED',
    `could not log in to Discord at ${apiUrl}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

/**
 * Creates the Discord bot: slash commands, autocomplete, forms, buttons and status messages, all
 * turned into calls on the generation service. `start` registers commands (when changed), logs
 * in, and picks up the status messages of unfinished generations.
 */
export function createDiscordBot(deps: DiscordBotDeps): DiscordBot {
  const discord = deps.config.discord;
  if (!discord) throw new ConfigError(['the Discord bot needs DISCORD_TOKEN and DISCORD_APPLICATION_ID']);
  const logger = discordLogger(deps.logger);
  const clock = deps.clock ?? Date.now;
  const timers = deps.timers ?? realTimers;
  const links = createGalleryLinks(deps.config);
  // Not discord.js's default transport: its uploads break once our undici is loaded (rest-transport.ts).
  const transport = createDiscordTransport();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    ...clientShardOptions(discord.shards),
    rest: { api: discord.apiUrl, makeRequest: transport.makeRequest },
  });
  const statuses = createStatusMessages({
    rest: client.rest,
    service: deps.service,
    clock,
    timers,
    intervalMs: deps.statusEditIntervalMs ?? 1500,
    logger,
    ownsGuild: createShardOwnership(discord.shards),
    final: {
      media: deps.media ?? createMediaStorage(deps.config),
      fit: deps.fitToSize,
      links,
      logger,
      favorites: deps.store.favorites !== undefined,
    },
  });
  const finalDeps = {
    media: deps.media ?? createMediaStorage(deps.config),
    fit: deps.fitToSize,
    links,
    logger,
  };
  const groupMessages = deps.groups
    ? createGroupMessages({
        rest: client.rest,
        clock,
        timers,
        intervalMs: deps.statusEditIntervalMs ?? 1500,
        logger,
        final: finalDeps,
        saveRef: (groupId, ref) => {
          deps.groups?.setMessageRef(groupId, { ...ref }).catch((error: unknown) => {
            logger.warn({ err: error, groupId }, 'could not keep the group message ref');
          });
        },
      })
    : undefined;
  const ctx: BotContext = {
    config: deps.config,
    service: deps.service,
    catalog: deps.catalog,
    generations: deps.store.generations,
    logger,
    clock,
    timers,
    links,
    statuses,
    drafts: createFormDrafts(clock),
    groups: deps.groups,
    groupMessages,
    favorites: deps.store.favorites,
    defaultImageModel: deps.defaultImageModel,
    lookupTimeoutMs: deps.lookupTimeoutMs ?? 2000,
    rules: deps.rules,
  };
  const router = createInteractionRouter(ctx);
  let unsubscribe: (() => void) | undefined;
  let unsubscribeGroups: (() => void) | undefined;

  async function leftBehind(): Promise<Generation[]> {
    const now = clock();
    const unfinished = (await deps.store.generations.listUnfinished()).filter(
      (g) => g.requester.platform === 'discord',
    );
    const unshown = (await deps.store.generations.list({ platform: 'discord' }, { limit: 50 })).items.filter(
      (generation) => {
        const ref = asDiscordMessageRef(generation.messageRef);
        const endedAt = generation.completedAt ?? generation.updatedAt;
        return isFinal(generation.status) && ref && !ref.finalShown && now - endedAt < finalCatchUpMs;
      },
    );
    return [...unfinished, ...unshown];
  }

  return {
    platform: 'discord',
    client,

    async start() {
      client.rest.setToken(discord.token);
      // With the shards split over processes, the one running shard 0 registers for all of them.
      const mode = registersCommands(discord.shards) ? (deps.registerCommands ?? 'if-changed') : 'never';
      if (mode !== 'never') {
        await registerCommands({
          rest: client.rest,
          applicationId: discord.applicationId,
          guildId: deps.commandGuildId,
          cache: deps.store.catalogCache,
          force: mode === 'always',
          logger,
        }).catch((error: unknown) => {
          logger.error({ err: error, code: codeOf(error) }, 'could not register the Discord commands');
        });
      }
      if (deps.subscribe ?? true) unsubscribe = deps.service.subscribe((event) => statuses.handle(event));
      unsubscribeGroups = groupMessages && deps.groups?.subscribe((event) => groupMessages.handle(event));
      client.on(Events.InteractionCreate, router.onInteraction);
      client.on(Events.Error, (error) => logger.error({ err: error }, 'Discord client error'));
      client.on(Events.ShardError, (error, shardId) =>
        logger.warn({ err: error, shardId }, 'Discord gateway error'),
      );
      const ready = once(client, Events.ClientReady);
      await client.login(discord.token).catch((error: unknown) => {
        throw loginError(error, discord.apiUrl);
      });
      await ready;
      logger.info(
        { user: client.user?.tag, guilds: client.guilds.cache.size, shards: client.ws.shards.size },
        'Discord bot connected',
      );
      statuses.resume(await leftBehind());
      // Before the group service resumes: groups it finishes from now on are told by their own end.
      if (groupMessages && deps.groups)
        try {
          const shown = await groupMessages.catchUp(deps.groups, clock() - finalCatchUpMs);
          if (shown > 0) logger.info({ groups: shown }, 'Discord group messages caught up');
        } catch (error) {
          logger.warn({ err: error }, 'could not catch up on group messages');
        }
      void deps.catalog.warm().catch((error: unknown) => {
        logger.warn({ err: error, code: codeOf(error) }, 'could not warm the model catalog');
      });
    },

    async stop() {
      await router.drain();
      unsubscribe?.();
      unsubscribe = undefined;
      unsubscribeGroups?.();
      await statuses.close();
      await groupMessages?.close();
      await client.destroy();
      await transport.close();
      logger.info('Discord bot stopped');
    },

    async render(event) {
      statuses.handle(event);
    },

    idle: async () => {
      await statuses.idle();
      await groupMessages?.idle();
    },
  };
}
