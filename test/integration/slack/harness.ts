import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createSlackBot,
  type SlackBot,
  type SlackBotDeps,
  slackEventsPath,
} from '../../../src/bots/slack/index.js';
import { type Config, loadConfig } from '../../../src/core/config.js';
import type { FavoriteStore } from '../../../src/core/generations/favorites.js';
import type { GenerationStore } from '../../../src/core/generations/generation-store.js';
import { createGroupService, type GroupService } from '../../../src/core/generations/groups/group-service.js';
import type { Moderator } from '../../../src/core/generations/moderation.js';
import { createServerRules } from '../../../src/core/generations/server-rules.js';
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
import { startWebServer, type WebServer } from '../../../src/web/index.js';
import { type FakeReplicate, startFakeReplicate } from '../../fakes/replicate/server.js';
import {
  createSignedClient,
  createSocketClient,
  type FakeSlack,
  type FakeSlackOptions,
  type SignedClient,
  type SocketClient,
  startFakeSlack,
} from '../../fakes/slack/index.js';

export const signingSecret = 'test-signing-secret-0123456789abcdef';
export const publicUrl = 'https://reelbot.test';

/** The real Bolt app, the real generation service, a fake Slack and a fake Replicate. */
export interface SlackHarness {
  slack: FakeSlack;
  replicate: FakeReplicate;
  service: ReelbotGenerationService;
  store: GenerationStore;
  favorites: FavoriteStore;
  catalog: Catalog;
  config: Config;
  /** The group service (compare), when the harness was asked for one. */
  groups?: GroupService;
  bot: SlackBot;
  /** What the bot was built from, to build a second one (a restart). */
  botDeps: SlackBotDeps;
  /** Sends what people do to the bot, as Slack does: signed HTTP requests, or Socket Mode envelopes. */
  client: SocketClient;
  /** HTTP mode: the bot's events URL, and a client that can also sign badly. */
  http?: { eventsUrl: string; client: SignedClient };
  close(): Promise<void>;
}

/**
 * Starts everything `reelbot start` would for Slack in HTTP mode, on a temp DATA_DIR, with waits
 * compressed to a few ms so a generation takes well under a second.
 */
export async function startSlackHarness(
  options: {
    slack?: FakeSlackOptions;
    bot?: Partial<SlackBotDeps>;
    socketMode?: boolean;
    /** What renders `/simulate`; without one the service offers no simulations. */
    simulator?: Simulator;
    /** OpenAI moderation (e.g. the real adapter against the fake OpenAI); none by default. */
    moderator?: Moderator;
    env?: Record<string, string>;
    /** A group service (compare) as `reelbot start` wires it; off by default. */
    groups?: boolean;
    /** Server settings on the store with the allow-list (as `reelbot start` wires them); off by default. */
    serverSettings?: boolean;
    /**
     * A clock for the store, the service and the bot, with the timers of the service's status
     * ticks: a test moves time with it. The bot's edit throttle keeps real timers.
     */
    time?: { clock: () => number; timers: Timers };
  } = {},
): Promise<SlackHarness> {
  const replicate = await startFakeReplicate();
  const slack = await startFakeSlack(options.slack);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-slack-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: publicUrl,
    REPLICATE_API_TOKEN: replicate.state.token,
    REPLICATE_API_URL: replicate.apiUrl,
    DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    ...(options.socketMode ? { SLACK_APP_TOKEN: slack.appToken } : {}),
    MAX_JOBS_PER_USER: '4',
    ...options.env,
  });
  const logger = silentLogger();
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));
  const db: Database = openDatabase(config.dataDir);
  const store = createGenerationStore(db, options.time?.clock);
  const favorites = createFavorites(db, options.time?.clock);
  const api = createReplicateApi({
    token: config.replicate.token,
    apiUrl: config.replicate.apiUrl,
    sleep,
    retry: { baseDelayMs: 10 },
    logger,
  });
  const catalog = createCatalog({ api, cache: createCatalogCache(db), ttlMs: 60_000, logger });
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
    sleep,
    simulator: options.simulator,
    moderator: options.moderator,
    prices: await loadPrices(config.spend.pricesFile),
    clock: options.time?.clock,
    timers: options.time?.timers,
  });
  const groups = options.groups
    ? createGroupService({
        service,
        groups: createGroupStore(db),
        catalog,
        storage: createLocalMediaStorage(config.dataDir),
        logger,
        grid: { tileHeight: 120 },
      })
    : undefined;
  const botDeps: SlackBotDeps = {
    config,
    service,
    catalog,
    store,
    favorites,
    logger,
    rules,
    groups,
    clientOptions: { retryConfig: { retries: 0 } },
    // Short, so a test waits less; the throttle itself is tested with a controlled clock.
    statusIntervalMs: 100,
    ...(options.time ? { clock: options.time.clock } : {}),
    ...options.bot,
  };
  const bot = createSlackBot(botDeps);
  await service.resume();
  await bot.start();
  const people = { teamId: slack.workspace.teamId, responseUrl: () => slack.responseUrl() };
  let host: WebServer | undefined;
  let http: SlackHarness['http'];
  let client: SocketClient;
  if (bot.httpHandler) {
    // Mounted on the real web app, as `reelbot start` mounts it, so its headers and routing apply.
    host = await startWebServer(
      { config, store, logger, mounts: [{ path: slackEventsPath, handler: bot.httpHandler }] },
      0,
      '127.0.0.1',
    );
    const eventsUrl = `${host.url}${slackEventsPath}`;
    const signed = createSignedClient({ url: eventsUrl, signingSecret, ...people });
    http = { eventsUrl, client: signed };
    client = signed;
  } else {
    await slack.socketMode.connected();
    client = createSocketClient(slack.socketMode, people);
  }
  return {
    slack,
    replicate,
    service,
    store,
    favorites,
    catalog,
    config,
    groups,
    bot,
    botDeps,
    client,
    http,
    async close() {
      await host?.close();
      await bot.stop();
      await groups?.close();
      await service.close();
      db.close();
      await slack.close();
      await replicate.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Text of a message's blocks and fallback text, for assertions. */
export function messageText(message: { text?: string; blocks?: unknown[] } | undefined): string {
  return `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;
}

/** Resolves with the first service event from now on that matches. */
export function nextEvent(
  service: Pick<ReelbotGenerationService, 'subscribe'>,
  match: (event: GenerationEvent) => boolean,
): Promise<GenerationEvent> {
  return new Promise((resolve) => {
    const stop = service.subscribe((event) => {
      if (!match(event)) return;
      stop();
      resolve(event);
    });
  });
}

/**
 * Runs a slash command that opens the model chooser (`/video`, `/animate`), picks `model`, and
 * waits for the modal to show that model's form. Returns the view id, the command's HTTP reply,
 * and the log position it started from.
 */
export async function openModelForm(
  h: SlackHarness,
  options: {
    command: '/video' | '/animate';
    text: string;
    model: string;
    person: { id: string; name?: string };
    /** Where the command is typed; the harness's default channel otherwise. */
    channelId?: string;
  },
) {
  const { person, channelId } = options;
  const since = h.slack.log.last;
  const reply = await h.client.slashCommand({
    command: options.command,
    text: options.text,
    person,
    ...(channelId ? { channelId } : {}),
  });
  const open = await h.slack.waitForCall('views.open', () => true, { since });
  const viewId = (open.response as { view: { id: string } }).view.id;
  await h.client.viewAction({
    view: h.slack.viewPayload(viewId),
    actionId: 'model',
    value: options.model,
    person,
  });
  await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
  return { viewId, reply, since };
}
