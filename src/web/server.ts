import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebApp } from './app.js';
import type { WebDeps } from './types.js';

/** A running web server. */
export interface WebServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops accepting, ends open connections (event streams included) and resolves when closed. */
  close(): Promise<void>;
}

/** Starts the web app on `port` (0 picks a free one), on every interface unless `host` is given. */
export async function startWebServer(deps: WebDeps, port: number, host?: string): Promise<WebServer> {
  const server = http.createServer(createWebApp(deps));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const wildcard = address.address === '::' || address.address === '0.0.0.0';
  const shown = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}`;
  deps.logger.info({ url }, 'web server listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets and event streams would hold close() open forever.
        server.closeAllConnections();
      }),
  };
}
