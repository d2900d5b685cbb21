import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { ReplicatePrediction } from '../replicate/types.js';

/** A webhook request as the web server hands it over: headers and the untouched body. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** The request URL (path and query), when the server passes it; carries `?generation=<id>`. */
  url?: string;
}

/** What the web server answers. */
export interface WebhookResponse {
  status: number;
  body?: unknown;
}

/** The signature of the handler the web engineer mounts at `POST /webhooks/replicate`. */
export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Replicate refuses nothing older; neither do we accept anything older (or from further ahead). */
export const webhookToleranceMs = 5 * 60 * 1000;

export type SignatureCheck =
  | { ok: true; id: string; timestampMs: number }
  | { ok: false; reason: 'missing-headers' | 'bad-secret' | 'stale' | 'bad-signature' };

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** The HMAC key of a `whsec_<base64>` secret. */
export function webhookKey(secret: string): Buffer | undefined {
  const match = /^whsec_([A-Za-z0-9+/=]+)$/.exec(secret.trim());
  if (!match) return undefined;
  const key = Buffer.from(match[1]!, 'base64');
  return key.length > 0 ? key : undefined;
}

/** The `v1,<base64>` signature Replicate (Standard Webhooks) sends for this id, time and body. */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  const key = webhookKey(secret);
  if (!key) throw new Error('webhook secret must look like whsec_<base64>');
  const digest = createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(body).digest('base64');
  return `v1,${digest}`;
}

/**
 * Checks a webhook's signature: HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}` with
 * the base64 key after `whsec_`, compared in constant time against every space-separated `v1,`
 * signature (several are sent while a secret is being rotated). Timestamps more than five minutes
 * away from now are refused, so a captured request cannot be replayed later.
 */
export function verifyWebhookSignature(
  request: WebhookRequest,
  secret: string,
  now: number = Date.now(),
): SignatureCheck {
  const id = header(request.headers, 'webhook-id');
  const timestamp = header(request.headers, 'webhook-timestamp');
  const signatures = header(request.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing-headers' };
  const key = webhookKey(secret);
  if (!key) return { ok: false, reason: 'bad-secret' };
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds * 1000) > webhookToleranceMs)
    return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(request.rawBody).digest();
  const matches = signatures
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return matches ? { ok: true, id, timestampMs: seconds * 1000 } : { ok: false, reason: 'bad-signature' };
}

/** What the handler needs from the rest of the service. */
export interface WebhookHandlerOptions {
  /** The `whsec_` secret: from config, or fetched from Replicate once and kept. */
  secret: () => Promise<string>;
  /** Whether a delivery id was handled before. */
  seenDelivery: (id: string) => Promise<boolean>;
  /** Records a delivery id as handled: called only once its update has been applied. */
  rememberDelivery: (id: string) => Promise<void>;
  /** Applies a verified prediction update; `generationId` comes from the webhook URL when known. */
  onPrediction: (prediction: ReplicatePrediction, generationId: string | undefined) => Promise<void>;
  logger: Logger;
  clock?: () => number;
}

/** Reads `?generation=<id>` from a request URL or from the prediction's own `webhook` field. */
export function generationIdOf(...urls: (string | undefined)[]): string | undefined {
  for (const url of urls) {
    if (!url) continue;
    try {
      const id = new URL(url, 'http://localhost').searchParams.get('generation');
      if (id) return id;
    } catch {
      // not a URL: look at the next one
    }
  }
  return undefined;
}

/**
 * The Replicate webhook endpoint as a pure function over headers and raw body. Answers 401 to a
 * bad or stale signature (Replicate then retries, which a good request will not need), 200 to a
 * replay of a delivery already applied without acting on it again, 400 to a body that is not a
 * prediction. When applying fails the error propagates (a 500), and the id stays unrecorded.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const clock = options.clock ?? Date.now;
  return async (request) => {
    let secret: string;
    try {
      secret = await options.secret();
    } catch (error) {
      options.logger.error({ err: error }, 'webhook secret unavailable; refusing webhook');
      return { status: 503, body: { error: 'webhook secret unavailable' } };
    }
    const check = verifyWebhookSignature(request, secret, clock());
    if (!check.ok) {
      options.logger.warn({ reason: check.reason }, 'webhook refused');
      return { status: 401, body: { error: check.reason } };
    }
    let prediction: ReplicatePrediction;
    try {
      prediction = JSON.parse(request.rawBody.toString('utf8')) as ReplicatePrediction;
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    if (!prediction || typeof prediction.id !== 'string' || typeof prediction.status !== 'string')
      return { status: 400, body: { error: 'body is not a prediction' } };
    // Ids are looked up and recorded only once the signature holds: nobody else can burn them.
    if (await options.seenDelivery(check.id)) {
      options.logger.debug({ webhookId: check.id }, 'webhook replayed; ignored');
      return { status: 200, body: { ok: true, replay: true } };
    }
    const webhookUrl = (prediction as { webhook?: string }).webhook;
    await options.onPrediction(prediction, generationIdOf(request.url, webhookUrl));
    // Recorded after the update is applied, never before: a delivery that failed (the answer was
    // 500) is applied when Replicate sends it again with the same id. Two copies arriving at once
    // both apply, which is harmless: applying a snapshot is idempotent.
    await options.rememberDelivery(check.id);
    return { status: 200, body: { ok: true } };
  };
}
