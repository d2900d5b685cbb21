import type { Request, RequestHandler, Response } from 'express';
import type { Grant } from '../core/access/grant.js';
import type { LinkSigner } from '../core/access/link-token.js';
import { linkKeyParam } from '../core/chat/gallery-links.js';
import type { Config } from '../core/config.js';
import type { OperatorSessions } from './operator-sessions.js';

/** The operator's session cookie. */
export const sessionCookie = 'reelbot_session';
/** The signed link a browser opened last, so the page's media, API and live updates follow it. */
export const linkCookie = 'reelbot_link';

/** What the request may see, as {@link accessMiddleware} decided. */
export function grantOf(res: Response): Grant {
  return (res.locals.grant as Grant | undefined) ?? { kind: 'nothing' };
}

/** Whether the operator's session came with the request (not merely a public gallery). */
export function isOperator(res: Response): boolean {
  return res.locals.operator === true;
}

/** The link key this request came with, to sign the URLs it is answered with. */
export function linkKeyOf(res: Response): string | undefined {
  return res.locals.linkKey as string | undefined;
}

/** The request's cookies by name; a malformed value is skipped, never thrown on. */
export function cookiesOf(req: Request): Record<string, string | undefined> {
  const cookies: Record<string, string | undefined> = {};
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const name = pair.slice(0, at).trim();
    try {
      cookies[name] ??= decodeURIComponent(pair.slice(at + 1).trim());
    } catch {}
  }
  return cookies;
}

/**
 * Decides once per request what it may see: everything for a public gallery or a signed-in
 * operator; a place or one video for a valid signed link (`?key=`, or the cookie a link left);
 * nothing otherwise. A key in the URL that fails is not rescued by the cookie: the URL says which
 * link the person meant.
 */
export function accessMiddleware(deps: {
  config: Pick<Config, 'gallery' | 'publicUrl'>;
  signer: LinkSigner;
  sessions: OperatorSessions;
  clock: () => number;
}): RequestHandler {
  const secure = deps.config.publicUrl?.startsWith('https:') ?? false;
  return async (req, res, next) => {
    const cookies = cookiesOf(req);
    res.locals.operator = await deps.sessions.isOpen(cookies[sessionCookie]);
    if (deps.config.gallery.public || res.locals.operator) {
      res.locals.grant = { kind: 'everything' } satisfies Grant;
      next();
      return;
    }
    const fromUrl =
      typeof req.query[linkKeyParam] === 'string' ? (req.query[linkKeyParam] as string) : undefined;
    const key = fromUrl ?? cookies[linkCookie];
    const check = key ? await deps.signer.verify(key) : undefined;
    if (!check?.ok) {
      res.locals.grant = { kind: 'nothing' } satisfies Grant;
      next();
      return;
    }
    const { place, generationId, expiresAt } = check.claims;
    res.locals.grant = (
      generationId ? { kind: 'generation', place, generationId } : { kind: 'place', place }
    ) satisfies Grant;
    res.locals.linkKey = key;
    if (fromUrl && fromUrl !== cookies[linkCookie])
      // Lax, not Strict: the link is usually opened from Discord or Slack, another site.
      res.cookie(linkCookie, fromUrl, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        maxAge: Math.max(0, expiresAt - deps.clock()),
      });
    next();
  };
}
