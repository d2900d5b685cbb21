import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicateWebhookHandler } from '../../../src/web/index.js';
import {
  closeTestServer,
  createTestData,
  startTestServer,
  type TestData,
} from '../../support/web-gallery.js';

let data: TestData;
let server: Awaited<ReturnType<typeof startTestServer>>;
const received: Parameters<ReplicateWebhookHandler>[0][] = [];
let mounted: { url?: string; body: Buffer; contentType?: string }[] = [];

beforeAll(async () => {
  data = createTestData();
  server = await startTestServer(data, {
    replicateWebhook: async (request) => {
      received.push(request);
      if (request.headers['webhook-id'] === 'explode')
        throw new Error(`boom in ${data.dataDir}/secret-internal-state`);
      return { status: 202, body: { accepted: true } };
    },
    mounts: [
      {
        path: '/slack/events',
        handler: (req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (chunk: Buffer) => chunks.push(chunk));
          req.on('end', () => {
            mounted.push({
              url: req.url,
              body: Buffer.concat(chunks),
              contentType: req.headers['content-type'],
            });
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('bolt says hi');
          });
        },
      },
    ],
  });
});

afterAll(() => closeTestServer(server, data));

describe('POST /webhooks/replicate', () => {
  it('hands the body to the handler byte for byte, with headers and the query', async () => {
    // Odd spacing, key order, unicode and a stray invalid UTF-8 byte: a re-serialised body would differ.
    const body = Buffer.concat([
      Buffer.from('{ "id":"p1",  "status" : "succeeded", "output": ["é\\u00e9"],\n"z":1 }  '),
      Buffer.from([0xff, 0x00, 0x0a]),
    ]);
    const response = await fetch(`${server.url}/webhooks/replicate?generation=g_abc`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': '1736942400',
        'webhook-signature': 'v1,abc=',
      },
      body,
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true });
    const last = received.at(-1)!;
    expect(Buffer.isBuffer(last.rawBody)).toBe(true);
    expect(last.rawBody.equals(body)).toBe(true);
    expect(last.headers['webhook-id']).toBe('msg_1');
    expect(last.headers['webhook-signature']).toBe('v1,abc=');
    expect(last.url).toBe('/webhooks/replicate?generation=g_abc');
  });

  it('passes bodies of any content type, and an empty body as an empty buffer', async () => {
    await fetch(`${server.url}/webhooks/replicate`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=latin1', 'webhook-id': 'msg_2' },
      body: 'plain',
    });
    expect(received.at(-1)!.rawBody.toString()).toBe('plain');
    await fetch(`${server.url}/webhooks/replicate`, { method: 'POST', headers: { 'webhook-id': 'msg_3' } });
    expect(received.at(-1)!.rawBody.length).toBe(0);
  });

  it('answers 413 for oversized bodies without calling the handler', async () => {
    const before = received.length;
    const response = await fetch(`${server.url}/webhooks/replicate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(3 * 1024 * 1024, 0x20),
    });
    expect(response.status).toBe(413);
    expect(received.length).toBe(before);
  });

  it('never shows a stack trace or internal message when the handler throws', async () => {
    const response = await fetch(`${server.url}/webhooks/replicate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': 'explode' },
      body: '{}',
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side. Please try again.' },
    });
    expect(text).not.toContain('boom');
    expect(text).not.toContain(data.dataDir);
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers 503 with a clear error when no handler is configured', async () => {
    const bare = await startTestServer(data);
    try {
      const response = await fetch(`${bare.url}/webhooks/replicate`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('WEBHOOKS_DISABLED');
      expect(body.error.message).toMatch(/not enabled/);
    } finally {
      await bare.close();
    }
  });
});

describe('raw mounts', () => {
  it('reach the handler before any body parser, with the URL untouched', async () => {
    mounted = [];
    const response = await fetch(`${server.url}/slack/events?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%22a%22%3A1%7D',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('bolt says hi');
    expect(mounted).toEqual([
      {
        url: '/slack/events?x=1',
        body: Buffer.from('payload=%7B%22a%22%3A1%7D'),
        contentType: 'application/x-www-form-urlencoded',
      },
    ]);
  });
});

describe('server errors', () => {
  it('render a friendly HTML page without internals when the database is gone', async () => {
    const broken = createTestData();
    const brokenServer = await startTestServer(broken);
    try {
      broken.db.close();
      const response = await fetch(`${brokenServer.url}/`);
      expect(response.status).toBe(500);
      const html = await response.text();
      expect(html).toContain('Something went wrong');
      expect(html).not.toMatch(/database connection|TypeError|at .*\.(ts|js):\d+|node_modules/);
      const health = await fetch(`${brokenServer.url}/healthz`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { checks: { database: { ok: boolean } } }).checks.database.ok).toBe(
        false,
      );
    } finally {
      await brokenServer.close();
    }
  });
});
