import type { IncomingMessage } from 'node:http';

/** Arguments the Web API client sends as JSON strings inside form bodies. */
const jsonArguments = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

/** A multipart part that carried bytes. */
export interface UploadedPart {
  field: string;
  filename?: string;
  bytes: Buffer;
}

/** A request body decoded the way Slack decodes it: form, JSON or multipart. */
export interface DecodedBody {
  args: Record<string, unknown>;
  parts: UploadedPart[];
}

/**
 * Decodes a Web API request. `@slack/web-api` sends `application/x-www-form-urlencoded` with
 * nested values JSON-encoded, and multipart when a Buffer is among the arguments.
 */
export async function decodeBody(req: IncomingMessage, body: Buffer): Promise<DecodedBody> {
  const contentType = req.headers['content-type'] ?? '';
  const args: Record<string, unknown> = {};
  const parts: UploadedPart[] = [];
  if (contentType.startsWith('application/json')) {
    const parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    Object.assign(args, parsed);
  } else if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': contentType },
    }).formData();
    const entries: [string, FormDataEntryValue][] = [];
    form.forEach((value, field) => {
      entries.push([field, value]);
    });
    for (const [field, value] of entries) {
      if (typeof value === 'string') args[field] = value;
      else parts.push({ field, filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  } else {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) args[key] = value;
  }
  for (const key of Object.keys(args)) {
    const value = args[key];
    if (jsonArguments.has(key) && typeof value === 'string') {
      try {
        args[key] = JSON.parse(value);
      } catch {
        // Slack would answer invalid_arguments; the method handler sees the raw string and does.
      }
    }
  }
  return { args, parts };
}

/** The token of a Web API call: `Authorization: Bearer` first, then the `token` argument. */
export function tokenOf(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return typeof args.token === 'string' ? args.token : undefined;
}
