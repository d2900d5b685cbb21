import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { CallLog } from './call-log.js';

/** What the app answered to one envelope (`{ envelope_id, payload }`). */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/**
 * Slack's Socket Mode on the fake's own server: `apps.connections.open` hands out
 * `ws://.../socket-mode`, the fake says `hello`, then sends envelopes (slash commands,
 * interactive payloads) and waits for the app's ack of each.
 */
export interface FakeSocketMode {
  /** The URL `apps.connections.open` answers with. */
  url(): string;
  /** Resolves once an app is connected and has been greeted. */
  connected(): Promise<void>;
  /** Sends one envelope to the connected app and resolves with its ack. */
  send(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): Promise<SocketAck>;
  close(): Promise<void>;
}

export function attachSocketMode(server: Server, baseUrl: () => string, log: CallLog): FakeSocketMode {
  const wss = new WebSocketServer({ noServer: true });
  let socket: WebSocket | undefined;
  let onConnected: (() => void)[] = [];
  const pending = new Map<string, (ack: SocketAck) => void>();

  server.on('upgrade', (req, duplex, head) => {
    if (!req.url?.startsWith('/socket-mode')) return duplex.destroy();
    wss.handleUpgrade(req, duplex, head, (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const ack = JSON.parse(data.toString()) as SocketAck;
        log.record({ method: 'socket_ack', args: ack as unknown as Record<string, unknown> });
        pending.get(ack.envelope_id)?.(ack);
        pending.delete(ack.envelope_id);
      });
      ws.on('close', () => {
        if (socket === ws) socket = undefined;
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake-slack', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0APP0001' },
        }),
      );
      for (const resolve of onConnected) resolve();
      onConnected = [];
    });
  });

  return {
    url: () => `${baseUrl().replace(/^http/, 'ws')}/socket-mode`,
    connected: () => (socket ? Promise.resolve() : new Promise<void>((resolve) => onConnected.push(resolve))),
    send(type, payload) {
      const open = socket;
      if (!open) return Promise.reject(new Error('fake Slack: no Socket Mode app is connected'));
      const envelopeId = randomUUID();
      return new Promise<SocketAck>((resolve) => {
        pending.set(envelopeId, resolve);
        open.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
      });
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
