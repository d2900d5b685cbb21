import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { NotFoundError } from '../core/errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether `given` is the ADMIN_TOKEN, compared in constant time (both sides hashed first, so
 * lengths leak nothing). Always false without an ADMIN_TOKEN.
 */
export function adminTokenMatcher(adminToken: string | undefined): (given: string | undefined) => boolean {
  const expected = adminToken ? digest(adminToken) : undefined;
  return (given) => expected !== undefined && given !== undefined && timingSafeEqual(digest(given), expected);
}

/**
 * Lets a request through with `Authorization: Bearer <ADMIN_TOKEN>`, or from a signed-in
 * operator's browser (`isOperator`). Without an ADMIN_TOKEN the admin endpoints do not exist: 404.
 */
export function requireAdmin(
  adminToken: string | undefined,
  isOperator: (res: Response) => boolean = () => false,
): RequestHandler {
  const matches = adminTokenMatcher(adminToken);
  return (req, res, next) => {
    if (!adminToken) throw new NotFoundError('page', req.path);
    const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (matches(given) || isOperator(res)) {
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
