import { App } from '@slack/bolt';
import type { ChatAdapter } from '../../core/chat/adapter.js';
import { createGalleryLinks } from '../../core/chat/gallery-links.js';
import { codeOf, QuotaError, userMessageOf } from '../../core/errors.js';
import type { GenerationEvent } from '../../core/generations/types.js';
import { createMediaStorage } from '../../core/media/configured-storage.js';
import { realTimers, within } from '../../core/timers.js';
import { boltLogger } from './bolt-logger.js';
import { type SlackBotDeps, slackSettings } from './bot-deps.js';
import { catchUp } from './catch-up.js';
import { openCompare, registerCompare } from './commands/compare.js';
import { galleryText } from './commands/gallery.js';
import { helpText } from './commands/help.js';
import { jobsReply } from './commands/jobs.js';
import { registerModalCommands } from './commands/open-modal.js';
import { settingsText } from './commands/settings.js';
import { registerSimulate } from './commands/simulate.js';
import { usageText } from './commands/usage.js';
import { slackBotScopes } from './manifest.js';
import { registerChooser } from './modal/chooser.js';
import { registerEdit } from './modal/edit.js';
import { registerExtend } from './modal/extend.js';
import { createPageDrafts, registerFormPages } from './modal/form-pages.js';
import { createFormLoader } from './modal/model-form.js';
import { registerSubmit } from './modal/submit.js';
import { createReceiver, type NodeHandler } from './receiver.js';
import { errorCodeOf, missingScopeMessage, plainWords } from './slack-errors.js';
import { registerCancel } from './status/cancel.js';
import { registerDelete } from './status/delete.js';
import { createDelivery, slackUploadLimitBytes } from './status/delivery.js';
import { registerFavorite } from './status/favorite.js';
import { createSlackGroupMessages } from './status/group-message.js';
import { createStatusPoster } from './status/post-status.js';
import { registerReroll } from './status/reroll.js';
import { registerScene } from './status/scene.js';
import { createStatusTracker } from './status/tracker.js';

/** The Slack adapter: Bolt in HTTP or Socket Mode, turning Slack interactions into service calls. */
export interface SlackBot extends ChatAdapter {
  readonly platform: 'slack';
  readonly mode: 'http' | 'socket';
  /**
   * HTTP mode only: the raw Node handler to mount at `/slack/events`, before any body parser
   * (Bolt verifies Slack's signature over the raw body). Undefined in Socket Mode.
   */
  readonly httpHandler?: NodeHandler;
  /** Renders one generation event; `start` already subscribes to the service, so repeats are ignored. */
  render(event: GenerationEvent): Promise<void>;
}

/**
 * Builds the Slack bot. `start()` checks the token (auth.test), subscribes to the service's
 * events, delivers videos that finished while it was away, and in Socket Mode connects; `stop()`
 * stops taking interactions and lets status edits and uploads in flight finish.
 */
export function createSlackBot(deps: SlackBotDeps): SlackBot {
  const slack = slackSettings(deps.config);
  const logger = deps.logger.child({ platform: 'slack' });
  const clock = deps.clock ?? Date.now;
  const timers = deps.timers ?? realTimers;
  const links = createGalleryLinks(deps.config);
  const clientOptions = { ...deps.clientOptions, slackApiUrl: slack.apiUrl };
  const boltLog = boltLogger(logger);
  const { mode, receiver, httpHandler } = createReceiver(slack, boltLog, clientOptions, clock);
  const app = new App({
    token: slack.botToken,
    receiver,
    clientOptions,
    logger: boltLog,
    deferInitialization: true,
  });
  const client = app.client;
  let grantedScopes: Set<string> | undefined;

  const deliver = createDelivery({
    client,
    config: deps.config,
    links,
    service: deps.service,
    logger,
    uploadLimitBytes: Math.min(deps.uploadLimitBytes ?? slackUploadLimitBytes, slackUploadLimitBytes),
    fitVideo: deps.fitVideo,
    media: deps.media,
  });
  const tracker = createStatusTracker({
    client,
    links,
    favorites: deps.favorites !== undefined,
    extend: deps.service.extend !== undefined,
    service: deps.service,
    logger,
    clock,
    timers,
    intervalMs: deps.statusIntervalMs ?? 1500,
    deliver,
  });
  const postStatus = createStatusPoster({
    client,
    links,
    service: deps.service,
    tracker,
    logger,
    clock,
  });
  const showModelForm = createFormLoader({ catalog: deps.catalog, logger, batch: deps.groups !== undefined });
  const drafts = createPageDrafts();

  registerModalCommands(app, {
    showModelForm,
    logger,
    // Without chat:write no status message could be posted: say so before the form is filled in.
    scopeProblem: () =>
      grantedScopes && !grantedScopes.has('chat:write') ? missingScopeMessage('chat:write') : undefined,
    quotaProblem: async ({ userId, teamId, channelId }) => {
      try {
        await deps.rules?.assertChannelAllowed({ platform: 'slack', workspaceId: teamId, channelId });
        await deps.service.checkQuota({ platform: 'slack', workspaceId: teamId, userId });
        return undefined;
      } catch (error) {
        if (error instanceof QuotaError || codeOf(error) === 'CHANNEL_NOT_ALLOWED')
          return userMessageOf(error);
        throw error;
      }
    },
  });
  registerChooser(app, { catalog: deps.catalog, showModelForm, logger, rules: deps.rules });
  // Compare (one prompt on 2–4 models) and batch (one form, 2–4 seeds), when the process has a group service.
  const groupMessages = deps.groups
    ? createSlackGroupMessages({
        client,
        links,
        media: deps.media ?? createMediaStorage(deps.config),
        uploadLimitBytes: Math.min(deps.uploadLimitBytes ?? slackUploadLimitBytes, slackUploadLimitBytes),
        fitVideo: deps.fitVideo,
        saveRef: (groupId, ref) => deps.groups!.setMessageRef(groupId, { ...ref }),
        logger,
        clock,
        timers,
        intervalMs: deps.statusIntervalMs ?? 1500,
      })
    : undefined;
  registerSubmit(app, {
    service: deps.service,
    catalog: deps.catalog,
    drafts,
    postStatus,
    ...(deps.groups && groupMessages ? { batch: { groups: deps.groups, groupMessages, logger } } : {}),
    botToken: slack.botToken,
    deadlineMs: deps.submitDeadlineMs ?? 2000,
    timers,
    logger,
  });
  registerCancel(app, { service: deps.service, client, logger });
  registerDelete(app, { service: deps.service, client, logger });
  if (deps.favorites) registerFavorite(app, { service: deps.service, favorites: deps.favorites, logger });
  registerScene(app, { service: deps.service, client, logger });
  registerReroll(app, { service: deps.service, postStatus, logger });
  registerEdit(app, { service: deps.service, catalog: deps.catalog, drafts, logger });
  registerFormPages(app, { catalog: deps.catalog, drafts, logger, batch: deps.groups !== undefined });
  registerExtend(app, { service: deps.service, postStatus, logger });
  registerSimulate(app, { service: deps.service, postStatus, logger, botToken: slack.botToken });
  const compare =
    deps.groups && groupMessages
      ? { groups: deps.groups, groupMessages, catalog: deps.catalog, rules: deps.rules, logger }
      : undefined;
  if (compare) registerCompare(app, compare);
  app.command('/reelbot', async ({ ack, command, client: web, respond }) => {
    const [subcommand] = command.text.trim().toLowerCase().split(/\s+/);
    if (subcommand === 'compare' && compare) {
      await ack();
      const prompt = command.text.trim().slice('compare'.length).trim() || undefined;
      await openCompare(compare, web, { ...command, prompt }).catch(async (error: unknown) => {
        logger.warn({ err: error, code: errorCodeOf(error) }, 'could not open the compare modal');
        await respond({ response_type: 'ephemeral', text: plainWords(error) });
      });
      return;
    }
    if (subcommand === 'jobs')
      return ack({ response_type: 'ephemeral', ...(await jobsReply({ store: deps.store, clock }, command)) });
    const text =
      subcommand === 'usage'
        ? await usageText({ service: deps.service, client, logger }, command)
        : subcommand === 'gallery'
          ? galleryText(links, command)
          : subcommand === 'settings'
            ? await settingsText({ rules: deps.rules, client, logger }, command)
            : helpText({ simulationAvailable: Boolean(deps.service.simulate) });
    await ack({ response_type: 'ephemeral', text });
  });
  // Handlers still running when stop() is called (a submit posting its status message) are let
  // finish, so shutting down never leaves a person with a modal accepted and nothing posted.
  const handling = new Set<Promise<void>>();
  const handlerGraceMs = 10_000;
  app.use(async ({ next }) => {
    const running = next();
    handling.add(running);
    try {
      await running;
    } finally {
      handling.delete(running);
    }
  });
  app.error(async (error) => {
    logger.error({ err: error, code: errorCodeOf(error) }, 'Slack handler failed');
  });

  let unsubscribe: (() => void) | undefined;
  let unsubscribeGroups: (() => void) | undefined;
  let started = false;

  return {
    platform: 'slack',
    mode,
    // Before start and after stop nothing may reach Bolt: Slack retries a 503 a little later.
    httpHandler:
      httpHandler &&
      ((req, res) => {
        if (started) return httpHandler(req, res);
        res.writeHead(503, { 'retry-after': '5', 'content-type': 'text/plain' }).end('reelbot is not ready');
      }),

    async start() {
      if (started) return;
      const auth = await client.auth.test();
      grantedScopes = auth.response_metadata?.scopes ? new Set(auth.response_metadata.scopes) : undefined;
      const missing = grantedScopes ? slackBotScopes.filter((scope) => !grantedScopes!.has(scope)) : [];
      if (missing.length > 0)
        logger.warn(
          { missing },
          `the Slack token lacks ${missing.join(', ')}; add them and reinstall the app`,
        );
      await app.init();
      unsubscribe = deps.service.subscribe((event) => tracker.render(event));
      if (groupMessages) unsubscribeGroups = deps.groups?.subscribe((event) => groupMessages.handle(event));
      if (mode === 'socket') await app.start();
      started = true;
      logger.info({ mode, team: auth.team, bot: auth.user_id }, 'Slack bot ready');
      if (deps.store)
        await catchUp({
          store: deps.store,
          tracker,
          ...(deps.groups && groupMessages
            ? { groups: { service: deps.groups, messages: groupMessages } }
            : {}),
          clock,
          logger,
        });
    },

    async stop() {
      const wasStarted = started;
      started = false;
      // Bounded: a handler stuck behind a long Replicate back-off must not hold the shutdown.
      await within(Promise.allSettled([...handling]), handlerGraceMs, timers);
      unsubscribe?.();
      unsubscribe = undefined;
      unsubscribeGroups?.();
      unsubscribeGroups = undefined;
      if (wasStarted && mode === 'socket') await app.stop();
      await tracker.flush();
      await groupMessages?.close();
    },

    async render(event) {
      tracker.render(event);
    },
  };
}
