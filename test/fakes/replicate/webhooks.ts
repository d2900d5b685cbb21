import { createHmac, randomBytes } from 'node:crypto';

/** Webhook events Replicate knows. */
export type WebhookEvent = 'start' | 'output' | 'logs' | 'completed';

/** One webhook the fake sent (or tried to). */
export interface WebhookDelivery {
  predictionId: string;
  event: WebhookEvent;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** HTTP status of the answer; 0 when the receiver could not be reached. */
  status: number;
}

/** Signs like Replicate (Standard Webhooks): HMAC-SHA256 of `id.timestamp.body`, key = base64 after `whsec_`. */
export function signDelivery(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Headers of a signed delivery, as Replicate sends them. */
export function signedHeaders(
  secret: string,
  body: string,
  options: { id?: string; timestamp?: number } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomBytes(12).toString('hex')}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signDelivery(secret, id, timestamp, body),
  };
}

/** Posts a signed webhook and records it; never throws (Replicate does not care why a receiver failed). */
export async function deliver(
  secret: string,
  delivery: Omit<WebhookDelivery, 'headers' | 'status'>,
  log: WebhookDelivery[],
): Promise<WebhookDelivery> {
  const headers = signedHeaders(secret, delivery.body);
  const record: WebhookDelivery = { ...delivery, headers, status: 0 };
  try {
    const response = await fetch(delivery.url, { method: 'POST', headers, body: delivery.body });
    record.status = response.status;
    await response.body?.cancel();
  } catch {
    record.status = 0;
  }
  log.push(record);
  return record;
}
