import type { Response } from 'express';

/**
 * Sends `value` as JSON that no cache may keep (`Cache-Control: no-store`). The body is what
 * `res.json` sends, without its ETag: a SHA-1 of the whole body (42 KB for a page of the API) and
 * a Buffer copy to hash, for a validator no client may use, since nothing stored means nothing to
 * revalidate.
 */
export function sendNoStoreJson(res: Response, value: unknown): void {
  const body = JSON.stringify(value);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
