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
 * Lets a request through from a signed-in operator's browser (`isOperator`), or with
 * `Authorization: Bearer <ADMIN_TOKEN>`. To anyone else, without an ADMIN_TOKEN the admin endpoints
 * do not exist (404); with one, they ask for it (401).
 */
export function requireAdmin(
  adminToken: string | undefined,
  isOperator: (res: Response) => boolean = () => false,
  /** Answers the 401 (a page for browsers); JSON by default. */
  refuse: (res: Response) => void = (res) =>
    res.json({ error: { code: 'UNAUTHORIZED', message: 'A valid admin bearer token is required.' } }),
): RequestHandler {
  const matches = adminTokenMatcher(adminToken);
  return (req, res, next) => {
    if (isOperator(res)) {
      next();
      return;
    }
    if (!adminToken) throw new NotFoundError('page', req.path);
    const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (matches(given)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="reelbot admin"');
    res.setHeader('Cache-Control', 'no-store');
    res.status(401);
    refuse(res);
  };
}
