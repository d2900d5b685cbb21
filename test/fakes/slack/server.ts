import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from '../http.js';
import { CallLog, type RecordedCall, type WaitOptions } from './call-log.js';
import { chatMethods } from './chat-methods.js';
import { addFile, fileMethods, workspaceMethods } from './file-methods.js';
import { type MethodHandler, SlackApiFault } from './method-types.js';
import { decodeBody, tokenOf } from './request-body.js';
import { attachSocketMode, type FakeSocketMode } from './socket-mode.js';
import { viewJson, viewMethods } from './view-methods.js';
import {
  allScopes,
  createWorkspace,
  type FakeFile,
  type FakeMessage,
  type FakeView,
  type FakeWorkspace,
  requiredScope,
} from './workspace.js';

const methods: Record<string, MethodHandler> = {
  ...workspaceMethods,
  ...chatMethods,
  ...viewMethods,
  ...fileMethods,
};

export interface FakeSlackOptions {
  botToken?: string;
  /** The app-level token Socket Mode connects with. */
  appToken?: string;
  teamId?: string;
  /** Scopes the bot token holds; all of reelbot's by default. */
  scopes?: string[];
}

/** A local stand-in for the Slack Web API, its upload URLs, private file URLs and response URLs. */
export interface FakeSlack {
  /** For SLACK_API_URL / Bolt `clientOptions.slackApiUrl`; ends with `/api/`. */
  apiUrl: string;
  baseUrl: string;
  botToken: string;
  appToken: string;
  workspace: FakeWorkspace;
  /** Socket Mode: apps.connections.open hands out its URL. */
  socketMode: FakeSocketMode;
  log: CallLog;
  /** Resolves with the first call of `method` matching `predicate`, already made or still to come. */
  waitForCall(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    options?: WaitOptions,
  ): Promise<RecordedCall>;
  /** A file as if a person had uploaded it (for file_input and shared messages). */
  addFile(options: {
    name: string;
    bytes: Buffer;
    user?: string;
    mimetype?: string;
    channel?: string;
  }): FakeFile;
  addChannel(id: string, name: string, options?: { isMember?: boolean }): void;
  /** Takes a scope away from the bot token: methods needing it answer `missing_scope`. */
  revokeScope(scope: string): void;
  /** The next call of `method` answers `{ ok: false, error, ...extra }`. */
  failNext(method: string, error: string, extra?: Record<string, unknown>): void;
  message(channel: string, ts: string): FakeMessage | undefined;
  /** Messages of a channel (or of one thread in it), oldest first. */
  messages(channel: string, threadTs?: string): FakeMessage[];
  view(id: string): FakeView | undefined;
  /** An open modal as Slack puts it in payloads (id, hash, blocks, private_metadata). */
  viewPayload(id: string): Record<string, unknown>;
  /** A fresh `response_url` for a slash command or shortcut payload. */
  responseUrl(): string;
  close(): Promise<void>;
}

/**
 * Starts the fake Slack on 127.0.0.1 port 0. The real `@slack/web-api` client (through Bolt)
 * talks to it via `slackApiUrl`; every call is recorded in `log`.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const workspace = createWorkspace({
    botToken: options.botToken ?? 'xoxb-fake-bot-token',
    teamId: options.teamId ?? 'T0TEAM001',
    scopes: options.scopes ?? allScopes,
  });
  const log = new CallLog();
  const appToken = options.appToken ?? 'xapp-1-fake-app-token';
  let responseCounter = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fatal_error', detail: String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname.startsWith('/api/')) {
      return apiCall(url.pathname.slice('/api/'.length), req, res, body);
    }
    if (method === 'POST' && url.pathname.startsWith('/upload/v1/')) {
      return upload(url.pathname.slice('/upload/v1/'.length), req, res, body);
    }
    if (method === 'GET' && url.pathname.startsWith('/files-pri/')) return download(url.pathname, req, res);
    if (method === 'POST' && url.pathname.startsWith('/response/')) {
      const args = (await decodeBody(req, body)).args;
      log.record({ method: 'response_url', args: { ...args, path: url.pathname } });
      return sendJson(res, 200, { ok: true });
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  async function apiCall(name: string, req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const { args, parts } = await decodeBody(req, body);
    const token = tokenOf(req, args);
    const answer = (response: Record<string, unknown>) => {
      log.record({ method: name, args, token, response });
      // Slack tells every caller which scopes its token holds and which the method accepts.
      const headers: Record<string, string> = { 'x-oauth-scopes': [...workspace.scopes].join(',') };
      const accepted = requiredScope[name];
      if (accepted) headers['x-accepted-oauth-scopes'] = accepted;
      sendJson(res, 200, response, headers);
    };
    const handler = methods[name];
    if (!handler && name !== 'apps.connections.open') return answer({ ok: false, error: 'unknown_method' });
    if (!token) return answer({ ok: false, error: 'not_authed' });
    // Socket Mode connections are opened with the app-level token, everything else with the bot's.
    if (name === 'apps.connections.open')
      return answer(
        token === appToken ? { ok: true, url: socketMode.url() } : { ok: false, error: 'invalid_auth' },
      );
    if (token !== workspace.botToken) return answer({ ok: false, error: 'invalid_auth' });
    const needed = requiredScope[name];
    if (needed && !workspace.scopes.has(needed)) {
      return answer({ ok: false, error: 'missing_scope', needed, provided: [...workspace.scopes].join(',') });
    }
    const faultIndex = workspace.faults.findIndex((f) => f.method === name);
    if (faultIndex >= 0) {
      const [fault] = workspace.faults.splice(faultIndex, 1);
      return answer({ ok: false, error: fault!.error, ...fault!.extra });
    }
    try {
      answer(handler!({ args, parts, workspace }));
    } catch (error) {
      if (error instanceof SlackApiFault) return answer({ ok: false, error: error.error, ...error.extra });
      throw error;
    }
  }

  async function upload(fileId: string, req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const pending = workspace.uploads.get(fileId);
    const { parts } = await decodeBody(req, body);
    // The web client posts the bytes as a multipart part; raw bodies are accepted too, like Slack.
    const bytes = parts[0]?.bytes ?? body;
    log.record({ method: 'upload', args: { fileId, bytes: bytes.length }, token: tokenOf(req, {}) });
    if (!pending) return res.writeHead(404, { 'content-type': 'text/plain' }).end('upload url not found');
    pending.bytes = bytes;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  function download(pathname: string, req: IncomingMessage, res: ServerResponse) {
    const match = /^\/files-pri\/[^-]+-([^/]+)\//.exec(pathname);
    const file = match ? workspace.files.get(match[1]!) : undefined;
    const token = tokenOf(req, {});
    const authorized = token === workspace.botToken && workspace.scopes.has('files:read');
    log.record({ method: 'download', args: { path: pathname, fileId: file?.id, authorized }, token });
    if (!file) return res.writeHead(404, { 'content-type': 'text/plain' }).end('file not found');
    if (!authorized) {
      // Slack answers a private URL without a valid token with its sign-in page, not an error status.
      const page = '<!DOCTYPE html><html><body>Sign in to Slack</body></html>';
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    }
    res
      .writeHead(200, {
        'content-type': file.mimetype,
        'content-length': file.bytes.length,
        'content-disposition': `attachment; filename="${file.name}"`,
      })
      .end(file.bytes);
  }

  const socketMode = attachSocketMode(server, () => workspace.baseUrl, log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  workspace.baseUrl = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${workspace.baseUrl}/api/`,
    baseUrl: workspace.baseUrl,
    botToken: workspace.botToken,
    appToken,
    workspace,
    socketMode,
    log,
    waitForCall: (method, predicate, waitOptions) => log.waitFor(method, predicate, waitOptions),
    addFile: (fileOptions) => addFile(workspace, fileOptions),
    addChannel(id, name, channelOptions = {}) {
      workspace.channels.set(id, { id, name, isMember: channelOptions.isMember ?? true });
    },
    revokeScope(scope) {
      workspace.scopes.delete(scope);
    },
    failNext(method, error, extra) {
      workspace.faults.push({ method, error, extra });
    },
    message: (channel, ts) => workspace.messages.get(`${channel}/${ts}`),
    messages: (channel, threadTs) =>
      [...workspace.messages.values()].filter(
        (m) => m.channel === channel && (threadTs === undefined || m.threadTs === threadTs),
      ),
    view: (id) => workspace.views.get(id),
    viewPayload(id) {
      const view = workspace.views.get(id);
      if (!view) throw new Error(`fake Slack: no view ${id} was opened`);
      return viewJson(workspace, view);
    },
    responseUrl() {
      responseCounter++;
      return `${workspace.baseUrl}/response/${responseCounter}`;
    },
    async close() {
      await socketMode.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
