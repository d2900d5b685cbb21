import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { NotFoundError } from '../../core/errors.js';

/** One static file, read once at start. */
interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

const assetDir = path.join(import.meta.dirname, '..', 'assets');
const assetTypes: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

/** The stylesheet, script and icon, keyed by name; versioned URLs let browsers cache them for good. */
export function loadAssets() {
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(assetTypes)) {
    const body = fs.readFileSync(path.join(assetDir, name));
    assets.set(name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) });
  }
  const url = (name: string) => `/assets/${name}?v=${assets.get(name)!.hash}`;
  return { assets, urls: { css: url('app.css'), js: url('app.js') } };
}

/** `GET /assets/:name`: only names in the list above; no request path reaches the file system. */
export function assetRoutes(loaded: ReturnType<typeof loadAssets>): Router {
  const router = Router();
  router.get('/assets/:name', (req, res) => {
    const asset = loaded.assets.get(req.params.name);
    if (!asset) throw new NotFoundError('asset', req.params.name);
    const etag = `"${asset.hash}"`;
    res.setHeader('ETag', etag);
    res.setHeader(
      'Cache-Control',
      req.query.v === asset.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    );
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.type(asset.type).send(asset.body);
  });
  return router;
}
