import type { IncomingMessage, ServerResponse } from 'node:http';

export { matchPath, readBody, sendJson } from '../http.js';

/** JSON as a client sent it: shapes are checked at run time, as Discord does. */
// biome-ignore lint/suspicious/noExplicitAny: request bodies are arbitrary JSON, checked field by field
export type Payload = any;

/** A file that arrived in a multipart request. */
export interface ReceivedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** A request body as Discord reads it: JSON, or `payload_json` plus files. */
export interface ParsedBody {
  json?: unknown;
  files: ReceivedFile[];
  multipart: boolean;
}

export async function parseBody(req: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(raw),
    }).formData();
    const files: ReceivedFile[] = [];
    let json: unknown;
    for (const [field, value] of form as unknown as Iterable<[string, string | File]>) {
      if (typeof value === 'string') {
        if (field === 'payload_json') json = JSON.parse(value);
        continue;
      }
      files.push({
        field,
        name: value.name,
        contentType: value.type,
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { json, files, multipart: true };
  }
  if (raw.length === 0) return { files: [], multipart: false };
  return { json: JSON.parse(raw.toString('utf8')), files: [], multipart: false };
}

export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

/** Thrown by route handlers; becomes a Discord-style JSON error. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }
}
