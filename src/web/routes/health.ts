import { Router } from 'express';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import { type CheckResult, checkDatabase, checkDisk } from '../health-checks.js';

/** `GET /healthz`: 200 when the database, the disk and ffmpeg are fine, 503 with details otherwise. */
export function healthRoutes(deps: {
  store: GenerationStore;
  dataDir: string;
  /** Free bytes DATA_DIR needs to count as healthy (see `freeBytesNeeded`). */
  neededFreeBytes: number;
  checkFfmpeg: () => Promise<CheckResult>;
}): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [database, disk, ffmpeg] = await Promise.all([
      checkDatabase(deps.store),
      checkDisk(deps.dataDir, deps.neededFreeBytes),
      deps.checkFfmpeg(),
    ]);
    const ok = database.ok && disk.ok && ffmpeg.ok;
    res.setHeader('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unhealthy', checks: { database, disk, ffmpeg } });
  });
  return router;
}
