import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves one raw Node handler on 127.0.0.1 port 0 at `path`, as the web server mounts the Slack
 * bot's `httpHandler` before any body parser.
 */
export async function serveHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  path = '/slack/events',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://host').pathname === path) return handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
