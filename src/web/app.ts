import express from 'express';
import { loadLinkSecret } from '../core/access/link-secret.js';
import { createLinkSigner } from '../core/access/link-token.js';
import { createMediaStorage } from '../core/media/configured-storage.js';
import { accessMiddleware, grantOf, isOperator } from './access.js';
import { errorHandler, notFound } from './error-handler.js';
import { createFfmpegCheck, createStorageCheck, freeBytesNeeded } from './health-checks.js';
import { createOperatorSessions } from './operator-sessions.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { assetRoutes, loadAssets } from './routes/assets.js';
import { detailRoutes } from './routes/detail.js';
import { eventRoutes } from './routes/events.js';
import { cachedModels, galleryRoutes } from './routes/gallery.js';
import { groupRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { mediaRoutes } from './routes/media.js';
import { signInRoutes } from './routes/sign-in.js';
import { usagePageRoutes } from './routes/usage-page.js';
import { webhookRoutes } from './routes/webhook.js';
import { securityHeaders } from './security-headers.js';
import type { RawMount, WebDeps } from './types.js';
import type { PageContext } from './views/layout.js';

function mountsFirst(mounts: RawMount[]): express.RequestHandler {
  return (req, res, next) => {
    const mount = mounts.find((m) => req.path === m.path || req.path.startsWith(`${m.path}/`));
    // The handler gets the request as it arrived: url unchanged, body unread (Bolt verifies signatures).
    if (mount) mount.handler(req, res);
    else next();
  };
}

/**
 * The web app: gallery pages, media streaming, JSON API, the Replicate webhook, health and admin.
 * No global body parser: only the webhook route reads a body, and it reads it raw.
 */
export function createWebApp(deps: WebDeps): express.Express {
  const clock = deps.clock ?? Date.now;
  const assets = loadAssets();
  const pageContext = (res?: express.Response): PageContext => ({
    assetUrls: assets.urls,
    live: deps.events ? 'sse' : 'poll',
    now: clock(),
    operator: res ? isOperator(res) : undefined,
    browse: res ? grantOf(res).kind !== 'generation' : undefined,
  });

  const https = deps.config.publicUrl?.startsWith('https:') ?? false;
  const signer = deps.access?.signer ?? createLinkSigner({ secret: loadLinkSecret(deps.config), clock });
  const sessions = deps.access?.sessions ?? createOperatorSessions({ clock });
  const media = deps.media ?? createMediaStorage(deps.config);

  const app = express();
  app.disable('x-powered-by');
  // Headers first, so raw mounts (Slack's /slack/events) answer with them like every other route.
  app.use(securityHeaders({ https }));
  if (deps.mounts?.length) app.use(mountsFirst(deps.mounts));

  app.use(assetRoutes(assets));
  app.use(signInRoutes({ adminToken: deps.config.adminToken, https, sessions, pageContext }));
  // Everything below shows videos: each route asks grantOf(res) what this request may see.
  app.use(accessMiddleware({ config: deps.config, signer, sessions, clock }));
  app.use(
    galleryRoutes({
      store: deps.store,
      models: cachedModels(deps.store, clock),
      pageContext,
      favorites: deps.favorites,
      groups: deps.groups,
    }),
  );
  app.use(detailRoutes({ store: deps.store, pageContext, groups: deps.groups }));
  app.use(groupRoutes({ groups: deps.groups, store: deps.store, media, pageContext }));
  app.use(mediaRoutes({ store: deps.store, media }));
  app.use(apiRoutes(deps));
  app.use(eventRoutes(deps.events, deps.groupEvents));
  app.use(webhookRoutes(deps.replicateWebhook));
  app.use(
    healthRoutes({
      store: deps.store,
      dataDir: deps.config.dataDir,
      neededFreeBytes: freeBytesNeeded(deps.config.download.maxBytes),
      checkFfmpeg: createFfmpegCheck(deps.ffmpegPath),
      checkStorage: media.check && createStorageCheck({ check: media.check.bind(media) }),
    }),
  );
  app.use(adminRoutes({ ...deps, media, clock, isOperator }));
  app.use(
    usagePageRoutes({
      adminToken: deps.config.adminToken,
      spendOverview: deps.spendOverview,
      isOperator,
      pageContext,
      clock,
    }),
  );

  app.use(notFound);
  app.use(errorHandler(deps.logger, pageContext));
  return app;
}
