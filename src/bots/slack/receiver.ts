import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Logger as BoltLogger,
  HTTPReceiver,
  type Receiver,
  SocketModeReceiver,
  type webApi,
} from '@slack/bolt';
import type { Config } from '../../core/config.js';
import { webhookToleranceMs } from '../../core/generations/webhook.js';

/** The path Slack posts events, commands and interactions to in HTTP mode. */
export const slackEventsPath = '/slack/events';

/** A raw Node handler, as the web server mounts it before any body parser. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The Bolt receiver for the configured mode, and the Node handler in HTTP mode. */
export interface SlackReceiver {
  mode: 'http' | 'socket';
  receiver: Receiver;
  /** HTTP mode only: verifies Slack's signature on the raw body and dispatches to Bolt. */
  httpHandler?: NodeHandler;
}

/**
 * Whether Slack's `x-slack-request-timestamp` (seconds) is within five minutes of `nowMs`, either
 * way: the window our Replicate webhook keeps. Bolt refuses only old requests, so a request signed
 * with a timestamp from the future would otherwise stay replayable until that time has passed.
 */
export function isFreshSlackTimestamp(header: string | string[] | undefined, nowMs: number): boolean {
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header.trim())) return false;
  return Math.abs(Number(header) * 1000 - nowMs) <= webhookToleranceMs;
}

/**
 * Socket Mode when an app token is set, HTTP otherwise. In HTTP mode the receiver's own server is
 * never started: the web server mounts `httpHandler` at `/slack/events`; it refuses a timestamp
 * outside five minutes either way, then Bolt checks the v0 signature, answering 401 when wrong.
 */
export function createReceiver(
  slack: NonNullable<Config['slack']>,
  logger: BoltLogger,
  clientOptions: webApi.WebClientOptions,
  clock: () => number = Date.now,
): SlackReceiver {
  if (slack.appToken) {
    return {
      mode: 'socket',
      receiver: new SocketModeReceiver({
        appToken: slack.appToken,
        logger,
        installerOptions: { clientOptions },
      }),
    };
  }
  const receiver = new HTTPReceiver({
    signingSecret: slack.signingSecret ?? '',
    endpoints: slackEventsPath,
    logger,
    processBeforeResponse: false,
  });
  const httpHandler: NodeHandler = (req, res) => {
    // Whatever path the web server mounted us at, every request here is for the events endpoint.
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('Slack posts events here.');
      return;
    }
    if (!isFreshSlackTimestamp(req.headers['x-slack-request-timestamp'], clock())) {
      logger.warn('refused a Slack request: its timestamp is missing or over 5 minutes off');
      req.resume();
      res
        .writeHead(401, { 'content-type': 'text/plain' })
        .end('The request timestamp is missing or more than 5 minutes off.');
      return;
    }
    req.url = slackEventsPath;
    try {
      receiver.requestListener(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
  return { mode: 'http', receiver, httpHandler };
}
