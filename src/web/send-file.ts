import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { parseRange } from './range.js';

/** How to send one stored file. */
export interface FileToSend {
  file: string;
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
 * Sends a file with ETag, conditional GET, Range (206/416) and caching headers. Resolves to false
 * when the file does not exist, so the caller can answer 404; the path comes from the store only.
 */
export async function sendFile(req: Request, res: Response, options: FileToSend): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(options.file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  let handedOver = false;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return false;
    const size = stat.size;
    const etag = options.etag ?? `W/"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', stat.mtime.toUTCString());
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
    if (range.kind === 'partial') {
      res.status(206).setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
    } else {
      res.status(200);
    }
    res.setHeader('Content-Type', options.contentType);
    res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return true;
    }
    handedOver = true;
    const stream = handle.createReadStream({ start, end, autoClose: true });
    // A viewer seeking or closing the tab aborts the response: that is normal, not an error.
    await pipeline(stream, res).catch(() => undefined);
    return true;
  } finally {
    if (!handedOver) await handle.close();
  }
}
