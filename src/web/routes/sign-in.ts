import express, { Router } from 'express';
import { cookiesOf, sessionCookie } from '../access.js';
import { adminTokenMatcher } from '../admin-auth.js';
import type { OperatorSessions } from '../operator-sessions.js';
import type { PageContext } from '../views/layout.js';
import { signInPage } from '../views/sign-in-page.js';

/**
 * `GET /sign-in` (the form, or `?token=` from the one-time link `reelbot start` prints),
 * `POST /sign-in` (ADMIN_TOKEN in a form), `POST /sign-out`. A session is an HttpOnly,
 * SameSite=Strict cookie, Secure when PUBLIC_URL is https.
 */
export function signInRoutes(deps: {
  adminToken?: string;
  https: boolean;
  sessions: OperatorSessions;
  pageContext: () => PageContext;
}): Router {
  const router = Router();
  const matches = adminTokenMatcher(deps.adminToken);
  const enabled = deps.adminToken !== undefined;

  async function startSession(res: express.Response) {
    const session = await deps.sessions.open();
    res.cookie(sessionCookie, session.id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.https,
      path: '/',
      maxAge: session.expiresAt - deps.pageContext().now,
    });
    res.redirect(303, '/');
  }

  function page(res: express.Response, status: number, signedIn: boolean, note?: string) {
    res.status(status).setHeader('Cache-Control', 'no-store');
    res.type('html').send(signInPage(deps.pageContext(), { signedIn, enabled, note }).value);
  }

  router.get('/sign-in', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token !== undefined) {
      if (await deps.sessions.redeemSignInToken(token)) return startSession(res);
      return page(
        res,
        401,
        false,
        'That sign-in link was used already or has expired. Sign in with the admin token.',
      );
    }
    page(res, 200, await deps.sessions.isOpen(cookiesOf(req)[sessionCookie]));
  });

  router.post('/sign-in', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const given = typeof req.body?.token === 'string' ? req.body.token.trim() : undefined;
    if (matches(given)) return startSession(res);
    page(res, 401, false, enabled ? 'That is not the admin token.' : undefined);
  });

  router.post('/sign-out', async (req, res) => {
    await deps.sessions.close(cookiesOf(req)[sessionCookie]);
    res.clearCookie(sessionCookie, { httpOnly: true, sameSite: 'strict', secure: deps.https, path: '/' });
    res.redirect(303, '/sign-in');
  });

  return router;
}
