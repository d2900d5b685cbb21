import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { NotFoundError } from '../core/errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant
 * time (both sides hashed first, so lengths leak nothing). Without an ADMIN_TOKEN the admin
 * endpoints do not exist: 404.
 */
export function requireAdmin(adminToken: string | undefined): RequestHandler {
  const expected = adminToken ? digest(adminToken) : undefined;
  return (req, res, next) => {
    if (!expected) throw new NotFoundError('page', req.path);
    const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (given !== undefined && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="reelbot admin"');
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(401)
      .json({ error: { code: 'UNAUTHORIZED', message: 'A valid admin bearer token is required.' } });
  };
}
