import type { IncomingMessage, ServerResponse } from 'node:http';

/** One route of a fake server: a method, a path pattern with `:params`, and a handler. */
export interface FakeRoute<State> {
  method: string;
  path: string;
  handle(context: FakeRequest<State>): Promise<void> | void;
}

export interface FakeRequest<State> {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
  state: State;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
}

export { matchPath, readBody, sendJson } from '../http.js';
