import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { MediaStorage } from '../core/media/storage.js';
import { parseRange } from './range.js';

/** How to send one stored file. */
export interface FileToSend {
  /** Where the file is: local disk or a bucket, streamed through this process either way. */
  storage: Pick<MediaStorage, 'stat' | 'open'>;
  key: string;
  contentType: string;
  /** A strong ETag from the content hash when known; otherwise a weak one from size and mtime is made. */
  etag?: string;
  cacheControl: string;
  /** Sets `Content-Disposition: attachment` with this file name. */
  downloadName?: string;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/**
 * Sends a stored file with ETag, conditional GET, Range (206/416) and caching headers. Resolves to
 * false when the file does not exist, so the caller can answer 404; the key comes from the store only.
 * From a bucket only the asked range is fetched, so a `<video>` seeking in a large file stays cheap.
 */
export async function sendFile(req: Request, res: Response, options: FileToSend): Promise<boolean> {
  const stat = await options.storage.stat(options.key);
  if (!stat) return false;
  const size = stat.bytes;
  const etag = options.etag ?? `W/"${size.toString(16)}-${Math.floor(stat.modifiedMs).toString(16)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', new Date(stat.modifiedMs).toUTCString());
  res.setHeader('Cache-Control', options.cacheControl);
  res.setHeader('Accept-Ranges', 'bytes');
  if (options.downloadName)
    res.setHeader('Content-Disposition', `attachment; filename="${options.downloadName}"`);

  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return true;
  }
  // A Range that comes with an If-Range for an older version must get the whole new file. If-Range
  // holds one validator compared strongly (RFC 9110): a weak ETag never proves the bytes are the same.
  const ifRange = req.get('if-range');
  const rangeHeader =
    !ifRange || (ifRange.trim() === etag && !etag.startsWith('W/')) ? req.headers.range : undefined;
  const range = parseRange(rangeHeader, size);
  if (range.kind === 'unsatisfiable') {
    res.status(416).setHeader('Content-Range', `bytes */${size}`);
    res.end();
    return true;
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  if (req.method === 'HEAD' || size === 0) {
    sendHeaders(res, options, range.kind === 'partial', start, end, size);
    res.end();
    return true;
  }
  // Opened before the status goes out: a file removed since the stat is still a clean 404.
  const stream = await options.storage.open(options.key, { start, end });
  if (!stream) return false;
  sendHeaders(res, options, range.kind === 'partial', start, end, size);
  // A viewer seeking or closing the tab aborts the response: that is normal, not an error.
  await pipeline(stream, res).catch(() => undefined);
  return true;
}

function sendHeaders(
  res: Response,
  options: FileToSend,
  partial: boolean,
  start: number,
  end: number,
  size: number,
): void {
  if (partial) res.status(206).setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  else res.status(200);
  res.setHeader('Content-Type', options.contentType);
  res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
}
