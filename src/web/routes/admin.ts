import { type Response, Router } from 'express';
import { NotFoundError, ReelbotError } from '../../core/errors.js';
import { operatorUsage } from '../../core/generations/spend/overview.js';
import { requireAdmin } from '../admin-auth.js';
import { generationIdPattern } from '../filters.js';
import { applyCleanup, filesOf, mediaFiles, planCleanup } from '../media-cleanup.js';
import type { WebDeps, WebMedia } from '../types.js';

/** Who the web's deletes are by, in the audit line. */
export const operatorId = 'operator';

/**
 * Admin endpoints behind `Authorization: Bearer ADMIN_TOKEN` or the operator's session:
 * `GET /api/admin/stats`, `GET /api/admin/usage` (the operator's 30 days of spend),
 * `POST /api/admin/cleanup[?dry_run=1]`, `DELETE /api/admin/generations/:id`.
 */
export function adminRoutes(
  deps: Pick<WebDeps, 'config' | 'store' | 'service' | 'logger' | 'spendOverview'> & {
    media: WebMedia;
    clock: () => number;
    /** Whether a signed-in operator's browser made the request. */
    isOperator?: (res: Response) => boolean;
  },
): Router {
  const router = Router();
  const { store, config } = deps;
  router.use('/api/admin', requireAdmin(config.adminToken, deps.isOperator));
  router.use('/api/admin', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/api/admin/stats', async (_req, res) => {
    const byStatus = await store.stats();
    const files = await mediaFiles(deps.media);
    res.json({
      byStatus,
      total: {
        count: byStatus.reduce((sum, row) => sum + row.count, 0),
        bytes: byStatus.reduce((sum, row) => sum + row.bytes, 0),
      },
      disk: { files: files.length, bytes: files.reduce((sum, file) => sum + file.bytes, 0) },
    });
  });

  router.post('/api/admin/cleanup', async (req, res) => {
    const dryRun = ['1', 'true', 'yes'].includes(String(req.query.dry_run ?? '').toLowerCase());
    const plan = await planCleanup(store, deps.media, deps.clock());
    if (!dryRun) {
      await applyCleanup(store, deps.media, plan);
      deps.logger.info({ files: plan.files, bytes: plan.bytes }, 'admin clean-up removed files');
    }
    res.json({ dryRun, deleted: !dryRun, ...plan });
  });

  // The core's delete, as the chat buttons use it: a running video canceled first, then the files,
  // then the row, and one audit line. The operator may delete anyone's.
  router.delete('/api/admin/generations/:id', async (req, res) => {
    const { id } = req.params;
    if (!generationIdPattern.test(id)) throw new NotFoundError('generation', id);
    if (!deps.service)
      throw new ReelbotError('CONFLICT', `no generation service can delete ${id} here`, {
        userMessage: 'Videos cannot be deleted from this web server.',
      });
    const deleted = await deps.service.delete(id, { userId: operatorId, admin: true });
    res.json({ deleted: id, files: filesOf(deleted) });
  });

  router.get('/api/admin/usage', async (req, res) => {
    if (!deps.spendOverview) throw new NotFoundError('page', req.path);
    res.json(await operatorUsage(deps.spendOverview, deps.clock()));
  });

  return router;
}
