import express, { Router } from 'express';
import type { ReplicateWebhookHandler } from '../types.js';

/** Replicate webhook bodies are small JSON predictions; anything bigger is not from Replicate. */
const webhookBodyLimit = '2mb';

/**
 * `POST /webhooks/replicate`: hands the untouched body bytes and headers to the service's handler,
 * which checks the signature over exactly those bytes. No JSON parser runs in front of it.
 */
export function webhookRoutes(handler: ReplicateWebhookHandler | undefined): Router {
  const router = Router();
  router.post(
    '/webhooks/replicate',
    express.raw({ type: () => true, limit: webhookBodyLimit }),
    async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      if (!handler) {
        res.status(503).json({
          error: {
            code: 'WEBHOOKS_DISABLED',
            message:
              'Replicate webhooks are not enabled on this server (the generation service is not running).',
          },
        });
        return;
      }
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers))
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await handler({ headers, rawBody, url: req.originalUrl });
      res.status(answer.status);
      if (answer.body === undefined) res.end();
      else res.json(answer.body);
    },
  );
  return router;
}
