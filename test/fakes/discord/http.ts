import type { IncomingMessage, ServerResponse } from 'node:http';

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

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses JSON and multipart/form-data bodies the way Discord's API accepts them. */
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

/** Matches `/channels/:channelId/messages` against a path; returns the params or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = decodeURIComponent(got[i]!);
    if (w.startsWith(':')) params[w.slice(1)] = g;
    else if (w !== g) return undefined;
  }
  return params;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
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
