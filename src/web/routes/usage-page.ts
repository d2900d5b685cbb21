import { type Response, Router } from 'express';
import { NotFoundError } from '../../core/errors.js';
import { operatorUsage, type SpendOverview } from '../../core/generations/spend/overview.js';
import { requireAdmin } from '../admin-auth.js';
import { errorPage } from '../views/error-page.js';
import type { PageContext } from '../views/layout.js';
import { usagePage } from '../views/usage-page.js';

/**
 * `GET /admin/usage`: the operator's page (a signed-in session, or the ADMIN_TOKEN bearer). To anyone
 * else it is a 404 without ADMIN_TOKEN, and a 401 page pointing to the sign-in with one.
 */
export function usagePageRoutes(deps: {
  adminToken?: string;
  spendOverview?: SpendOverview;
  isOperator: (res: Response) => boolean;
  pageContext: (res: Response) => PageContext;
  clock: () => number;
}): Router {
  const router = Router();
  router.use(
    '/admin',
    requireAdmin(deps.adminToken, deps.isOperator, (res) => {
      res
        .type('html')
        .send(
          errorPage(deps.pageContext(res), 401, 'Sign in as the operator at /sign-in to see this page.')
            .value,
        );
    }),
  );
  router.get('/admin/usage', async (req, res) => {
    if (!deps.spendOverview) throw new NotFoundError('page', req.path);
    const usage = await operatorUsage(deps.spendOverview, deps.clock());
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(usagePage(deps.pageContext(res), usage).value);
  });
  return router;
}
