import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDiscordBot, type DiscordBot, type DiscordBotDeps } from '../../../src/bots/discord/index.js';
import { type Config, loadConfig } from '../../../src/core/config.js';
import type { FavoriteStore } from '../../../src/core/generations/favorites.js';
import type { GenerationStore } from '../../../src/core/generations/generation-store.js';
import { createGroupService, type GroupService } from '../../../src/core/generations/groups/group-service.js';
import type { Moderator } from '../../../src/core/generations/moderation.js';
import { createServerRules, type ServerRules } from '../../../src/core/generations/server-rules.js';
import {
  createGenerationService,
  type ReelbotGenerationService,
} from '../../../src/core/generations/service.js';
import type { Simulator } from '../../../src/core/generations/simulation-job.js';
import { loadPrices } from '../../../src/core/generations/spend/prices.js';
import type { GenerationEvent } from '../../../src/core/generations/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createLocalMediaStorage } from '../../../src/core/media/storage.js';
import { type Catalog, createCatalog } from '../../../src/core/replicate/catalog.js';
import type { CatalogCache } from '../../../src/core/replicate/catalog-cache.js';
import { createReplicateApi } from '../../../src/core/replicate/client.js';
import { createGroupStore } from '../../../src/core/store/groups.js';
import {
  createCatalogCache,
  createFavorites,
  createGenerationStore,
  type Database,
  openDatabase,
} from '../../../src/core/store/index.js';
import { createServerSettingsStore } from '../../../src/core/store/server-settings.js';
import type { Timers } from '../../../src/core/timers.js';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../../fakes/discord/server.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { type FakeReplicate, startFakeReplicate } from '../../fakes/replicate/server.js';

/** reelbot's core and Discord bot on a temp DATA_DIR, between a fake Discord and a fake Replicate. */
export interface DiscordHarness {
  discord: FakeDiscord;
  replicate: FakeReplicate;
  config: Config;
  db: Database;
  store: GenerationStore;
  catalogCache: CatalogCache;
  favorites: FavoriteStore;
  catalog: Catalog;
  service: ReelbotGenerationService;
  groups: GroupService;
  /** The server settings, with `serverSettings`. */
  rules?: ServerRules;
  bot: DiscordBot;
  /**
   * Stops the bot and builds a new one on the same store and service, as after a restart;
   * `whileDown` runs in between.
   */
  restartBot(overrides?: Partial<DiscordBotDeps>, whileDown?: () => Promise<void>): Promise<DiscordBot>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  attachmentSizeLimit?: number;
  bot?: Partial<DiscordBotDeps>;
  /** Replicate URL for the catalog, e.g. one that never answers. */
  catalogApiUrl?: string;
  /** Server settings on the store with the allow-list (as `reelbot start` wires them); off by default. */
  serverSettings?: boolean;
  /** The physics renderer behind `/simulate`; none by default. */
  simulator?: Simulator;
  /** OpenAI moderation (e.g. the real adapter against the fake OpenAI); none by default. */
  moderator?: Moderator;
  /**
   * A clock for the store, the service and the bot, with the timers of the service's status
   * ticks: a test moves time with it. The bot's edit throttle keeps real timers (10 ms).
   */
  time?: { clock: () => number; timers: Timers };
}

// Waits inside the core (polling, back-off) are shortened so tests do not idle.
const quickSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));

export async function startHarness(options: HarnessOptions = {}): Promise<DiscordHarness> {
  const replicate = await startFakeReplicate();
  const discord = await startFakeDiscord({ attachmentSizeLimit: options.attachmentSizeLimit });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-discord-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    REPLICATE_API_TOKEN: replicate.state.token,
    REPLICATE_API_URL: replicate.apiUrl,
    DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
    DISCORD_TOKEN: discord.state.token,
    DISCORD_APPLICATION_ID: discord.state.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    PUBLIC_URL: 'https://reelbot.example',
    ...options.env,
  });
  const logger = silentLogger();
  const db = openDatabase(config.dataDir);
  const store = createGenerationStore(db, options.time?.clock);
  const catalogCache = createCatalogCache(db);
  const favorites = createFavorites(db, options.time?.clock);
  const api = createReplicateApi({
    token: config.replicate.token,
    apiUrl: config.replicate.apiUrl,
    sleep: quickSleep,
    retry: { baseDelayMs: 5 },
    logger,
  });
  const catalogApi = options.catalogApiUrl
    ? createReplicateApi({ token: config.replicate.token, apiUrl: options.catalogApiUrl, logger })
    : api;
  const catalog = createCatalog({ api: catalogApi, cache: catalogCache, ttlMs: 60_000, logger });
  const rules = options.serverSettings
    ? createServerRules({ config, store: createServerSettingsStore(db, options.time?.clock), catalog })
    : undefined;
  const service = createGenerationService({
    config,
    serverRules: rules,
    store,
    api,
    catalog,
    logger,
    sleep: quickSleep,
    simulator: options.simulator,
    moderator: options.moderator,
    prices: await loadPrices(config.spend.pricesFile),
    clock: options.time?.clock,
    timers: options.time?.timers,
  });

  // Compare and batch, as the runtime wires them.
  const groups = createGroupService({
    service,
    groups: createGroupStore(db),
    catalog,
    storage: createLocalMediaStorage(config.dataDir),
    logger,
    grid: { tileHeight: 120 },
  });

  const build = (overrides: Partial<DiscordBotDeps> = {}) =>
    createDiscordBot({
      config,
      service,
      catalog,
      store: { generations: store, catalogCache, favorites },
      logger,
      groups,
      rules,
      // Short enough for tests to see every state; the 1.5 s rule itself is a unit test.
      statusEditIntervalMs: 10,
      ...(options.time ? { clock: options.time.clock } : {}),
      ...options.bot,
      ...overrides,
    });
  let bot = build();
  await bot.start();

  const harness: DiscordHarness = {
    discord,
    replicate,
    config,
    db,
    store,
    catalogCache,
    favorites,
    catalog,
    service,
    groups,
    rules,
    bot,
    async restartBot(overrides, whileDown) {
      await bot.stop();
      await whileDown?.();
      bot = build(overrides);
      harness.bot = bot;
      await bot.start();
      return bot;
    },
    async close() {
      await bot.stop();
      await groups.close();
      await service.close();
      db.close();
      await discord.close();
      await replicate.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Resolves with the first service event (seen from now on) that matches. */
export function waitForEvent(
  h: DiscordHarness,
  match: (event: GenerationEvent) => boolean,
): Promise<GenerationEvent> {
  return new Promise((resolve) => {
    const stop = h.service.subscribe((event) => {
      if (!match(event)) return;
      stop();
      resolve(event);
    });
  });
}

/** An edit of a status message through the interaction webhook or the channel. */
export function isMessageEdit(call: RecordedCall): boolean {
  return call.method === 'PATCH' && /^\/(webhooks\/\d+\/[^/]+|channels\/\d+)\/messages\//.test(call.route);
}

/** The edits of the message `@original` of `token`, and of its channel message. */
export function editsOf(h: DiscordHarness, token: string, messageId?: string): RecordedCall[] {
  return h.discord.calls.filter(
    (call) =>
      isMessageEdit(call) &&
      call.status === 200 &&
      (call.route.includes(`/${token}/`) ||
        (messageId !== undefined && call.route.endsWith(`/messages/${messageId}`))),
  );
}

/** Waits for an edit of the interaction's message whose text matches. */
export function waitForEdit(
  h: DiscordHarness,
  token: string,
  match: RegExp,
  after = 0,
): Promise<RecordedCall> {
  return h.discord.waitForCall(
    (call) =>
      isMessageEdit(call) &&
      call.status === 200 &&
      call.route.includes(`/${token}/`) &&
      match.test(call.json?.content ?? ''),
    after,
  );
}

/** A real PNG (320x240), as a user would attach. */
export async function pngBytes(): Promise<Buffer> {
  return fs.promises.readFile((await fakeMedia()).image);
}

/** True when the bytes are an MP4 (an `ftyp` box first). */
export function isMp4(bytes: Buffer): boolean {
  return bytes.subarray(4, 8).toString('latin1') === 'ftyp';
}

export { buttonOf } from '../../fakes/discord/buttons.js';
