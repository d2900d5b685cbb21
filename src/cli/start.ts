import { parseArgs } from 'node:util';
import { loadLinkSecret } from '../core/access/link-secret.js';
import { createLinkSigner } from '../core/access/link-token.js';
import type { ChatAdapter } from '../core/chat/adapter.js';
import { loadConfig } from '../core/config.js';
import { loadPrices } from '../core/generations/spend/prices.js';
import { createLogger } from '../core/logger.js';
import type { RawMount } from '../web/index.js';
import { startWebServer } from '../web/index.js';
import { createOperatorSessions } from '../web/operator-sessions.js';
import { planRole } from './roles.js';
import { createCoreRuntime } from './runtime.js';
import { watchStopSignals } from './shutdown.js';

/**
 * `reelbot start [--role all|bot|web|worker]`: the web gallery, every configured bot and the
 * workers, or with REDIS_URL one of them (roles.ts). Unfinished generations resume. SIGTERM or SIGINT stops taking new work, lets status edits in flight finish, and closes
 * the database; what is still running resumes on the next start. The process, with its children,
 * is gone within seconds of the signal, whatever is in flight (shutdown.ts).
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: 'string' } },
    allowPositionals: false,
  });
  const config = loadConfig();
  const plan = planRole(values.role, config);
  const logger = createLogger({ level: config.logLevel });
  const prices = await loadPrices(config.spend.pricesFile);
  // From here on, so that a signal during start-up also ends the process, and its children.
  const stop = watchStopSignals(logger);
  const core = await createCoreRuntime(config, logger, {
    renderWorker: plan.performsJobs ? config.renderWorker.mode : undefined,
    prices,
    performsJobs: plan.performsJobs,
    shared: true,
  });
  const { service, catalog, store, database } = core;

  const adapters: ChatAdapter[] = [];
  const mounts: RawMount[] = [];
  if (config.slack && plan.bots) {
    // Loaded only when configured: a gallery-only process need not pay for Bolt or discord.js.
    const { createSlackBot, slackEventsPath } = await import('../bots/slack/index.js');
    const slack = createSlackBot({
      config,
      media: core.media,
      service,
      catalog,
      store,
      favorites: database.favorites,
      logger,
      rules: core.rules,
      groups: core.groups,
    });
    if (slack.httpHandler) mounts.push({ path: slackEventsPath, handler: slack.httpHandler });
    adapters.push(slack);
  }
  if (config.discord && plan.bots) {
    const { createDiscordBot } = await import('../bots/discord/index.js');
    adapters.push(
      createDiscordBot({
        config,
        service,
        catalog,
        store: { generations: store, catalogCache: core.catalogCache, favorites: database.favorites },
        media: core.media,
        logger,
        groups: core.groups,
        rules: core.rules,
      }),
    );
  }

  const revokedLinks = database.revokedLinks;
  const access = {
    signer: createLinkSigner({ secret: loadLinkSecret(config), isRevoked: revokedLinks.isRevoked }),
    // In the store: a restart, or another web process of the deployment, keeps the operator signed in.
    sessions: createOperatorSessions({ store: database.operatorSessions }),
  };
  // Slack's HTTP mode receives its events on the web server, so a bot process serving it runs one.
  const web = !(plan.web || mounts.length > 0)
    ? undefined
    : await startWebServer(
        {
          config,
          store,
          favorites: database.favorites,
          groups: database.groups,
          logger,
          media: core.media,
          events: service,
          groupEvents: core.groups,
          replicateWebhook: service.handleWebhook,
          service,
          spendOverview: database.spendOverview,
          mounts,
          access,
        },
        config.port,
      );
  if (!config.replicate.token)
    logger.warn('REPLICATE_API_TOKEN is not set: the gallery runs, but new videos cannot be made');
  else if (plan.bots || plan.web)
    catalog
      .warm()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'catalog warm-up failed; it will load on demand'),
      );

  // Eager: Xvfb, the worker process, headless-gl and Rapier start now rather than on the first
  // /simulate. Lazy: they start with it, and stop when simulations stop coming (runtime.ts).
  if (plan.performsJobs && config.renderWorker.mode === 'eager')
    core.renderWorker
      ?.warm()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'the render worker could not start; /simulate will say why when used'),
      );

  // Bots first, so no new interaction arrives while the service winds down; their stop() waits
  // for status edits already in flight.
  const close = async () => {
    await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
    await core.groups.close();
    await service.close();
    await core.bus.close();
    await core.renderWorker?.close();
    await web?.close();
    await core.media.close?.();
    await database.close();
  };
  try {
    for (const adapter of adapters) {
      await adapter.start();
      logger.info({ platform: adapter.platform }, 'bot started');
    }
    // Events from other processes must arrive before resumed work starts telling them.
    await core.ready;
    await service.resume();
    await core.groups.resume();
  } catch (error) {
    // A bot that cannot start (a refused token) must not leave the gallery, the worker and Xvfb up.
    stop.arm();
    await close();
    stop.stopped();
    throw error;
  }
  logger.info(
    {
      role: plan.role,
      url: web ? (config.publicUrl ?? web.url) : undefined,
      bots: adapters.map((a) => a.platform),
      performsJobs: plan.performsJobs,
      queue: config.redis ? 'redis' : 'in-process',
    },
    'reelbot is running',
  );
  // On the terminal only, never in the log: whoever holds this link is the operator, once.
  if (web && !config.gallery.public) {
    const token = await access.sessions.issueSignInToken();
    process.stderr.write(
      `\n  Sign in to the gallery as the operator (works once, for 24 hours):\n  ${config.publicUrl ?? web.url}/sign-in?token=${token}\n\n`,
    );
  }

  const signal = await stop.received;
  logger.info({ signal }, 'shutting down: no new work; unfinished generations resume on next start');
  await close();
  logger.info('stopped');
  logger.flush();
  // Should anything still be open (an ffmpeg for a job that resumes next start), it is ended soon.
  stop.stopped();
  return 0;
}
