import { type Response, Router } from 'express';
import { NotFoundError, ReelbotError } from '../../core/errors.js';
import { isFinal } from '../../core/generations/types.js';
import { requireAdmin } from '../admin-auth.js';
import { generationIdPattern } from '../filters.js';
import { applyCleanup, filesOf, mediaFiles, planCleanup, removeFiles } from '../media-cleanup.js';
import type { WebDeps, WebMedia } from '../types.js';

/**
 * Admin endpoints behind `Authorization: Bearer ADMIN_TOKEN` or the operator's session:
 * `GET /api/admin/stats`, `POST /api/admin/cleanup[?dry_run=1]`, `DELETE /api/admin/generations/:id`.
 */
export function adminRoutes(
  deps: Pick<WebDeps, 'config' | 'store' | 'service' | 'logger'> & {
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

  router.delete('/api/admin/generations/:id', async (req, res) => {
    const { id } = req.params;
    const generation = generationIdPattern.test(id) ? await store.get(id) : undefined;
    if (!generation) throw new NotFoundError('generation', id);
    if (!isFinal(generation.status)) {
      if (!deps.service)
        throw new ReelbotError('CONFLICT', `generation ${id} is running and no service can cancel it`, {
          userMessage: 'This generation is still running and cannot be canceled from here.',
        });
      await deps.service.cancel(id, { userId: 'admin', admin: true });
    }
    // Read again: the job may have recorded its files while it was being canceled.
    const files = filesOf((await store.get(id)) ?? generation);
    await store.delete(id);
    await removeFiles(deps.media, files);
    deps.logger.info(
      { audit: 'delete', generationId: id, by: 'admin', admin: true, files },
      'admin deleted a generation',
    );
    res.json({ deleted: id, files });
  });

  return router;
}
