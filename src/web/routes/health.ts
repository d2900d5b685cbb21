import { Router } from 'express';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import { type CheckResult, checkDatabase, checkDisk } from '../health-checks.js';

/**
 * `GET /healthz`: 200 when the database, the disk and ffmpeg are fine (and the media bucket, when
 * media lives in S3), 503 with details otherwise.
 */
export function healthRoutes(deps: {
  store: GenerationStore;
  dataDir: string;
  /** Free bytes DATA_DIR needs to count as healthy (see `freeBytesNeeded`). */
  neededFreeBytes: number;
  checkFfmpeg: () => Promise<CheckResult>;
  /** The media bucket answers; only when media is remote (`storage` is then in the answer). */
  checkStorage?: () => Promise<CheckResult>;
}): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [database, disk, ffmpeg, storage] = await Promise.all([
      checkDatabase(deps.store),
      checkDisk(deps.dataDir, deps.neededFreeBytes),
      deps.checkFfmpeg(),
      deps.checkStorage?.(),
    ]);
    const ok = database.ok && disk.ok && ffmpeg.ok && (storage?.ok ?? true);
    res.setHeader('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unhealthy',
      checks: { database, disk, ffmpeg, ...(storage && { storage }) },
    });
  });
  return router;
}
