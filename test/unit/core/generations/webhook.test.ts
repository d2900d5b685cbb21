import { describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  signWebhook,
  verifyWebhookSignature,
} from '../../../../src/core/generations/webhook.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { signedHeaders } from '../../../fakes/replicate/webhooks.js';

const secret = `whsec_${Buffer.from('a secret key of 24 bytes!').toString('base64')}`;
const body = Buffer.from(JSON.stringify({ id: 'p1', status: 'processing', logs: '' }));
const now = 1_750_000_000_000;

function request(headers: Record<string, string>, raw = body) {
  return { headers, rawBody: raw };
}

describe('webhook signatures', () => {
  it('accepts what the fake (signing on its own, like Replicate) signs, and agrees with signWebhook', () => {
    const headers = signedHeaders(secret, body.toString(), { id: 'msg_1', timestamp: now / 1000 });
    expect(verifyWebhookSignature(request(headers), secret, now)).toMatchObject({ ok: true, id: 'msg_1' });
    expect(signWebhook(secret, 'msg_1', now / 1000, body)).toBe(headers['webhook-signature']);
  });

  it('accepts one good signature among several (secret rotation)', () => {
    const headers = signedHeaders(secret, body.toString(), { id: 'msg_2', timestamp: now / 1000 });
    headers['webhook-signature'] = `v1,AAAA ${headers['webhook-signature']} v2,zzz`;
    expect(verifyWebhookSignature(request(headers), secret, now).ok).toBe(true);
  });

  it('refuses a changed body, another key, stale and future timestamps, and missing headers', () => {
    const headers = signedHeaders(secret, body.toString(), { id: 'msg_3', timestamp: now / 1000 });
    expect(verifyWebhookSignature(request(headers, Buffer.from('{"id":"p2"}')), secret, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const other = `whsec_${Buffer.from('another key').toString('base64')}`;
    expect(verifyWebhookSignature(request(headers), other, now)).toMatchObject({ reason: 'bad-signature' });
    const old = signedHeaders(secret, body.toString(), { id: 'msg_4', timestamp: now / 1000 - 301 });
    expect(verifyWebhookSignature(request(old), secret, now)).toMatchObject({ reason: 'stale' });
    const future = signedHeaders(secret, body.toString(), { id: 'msg_5', timestamp: now / 1000 + 301 });
    expect(verifyWebhookSignature(request(future), secret, now)).toMatchObject({ reason: 'stale' });
    expect(verifyWebhookSignature(request({}), secret, now)).toMatchObject({ reason: 'missing-headers' });
  });

  it('handles a delivery once: good -> applied, replay -> 200 and ignored, bad -> 401 and not remembered', async () => {
    const seen = new Set<string>();
    const applied: string[] = [];
    const handler = createWebhookHandler({
      secret: async () => secret,
      seenDelivery: async (id) => seen.has(id),
      rememberDelivery: async (id) => {
        seen.add(id);
      },
      onPrediction: async (prediction, generationId) => {
        applied.push(`${prediction.id}:${generationId}`);
      },
      logger: silentLogger(),
      clock: () => now,
    });
    const headers = signedHeaders(secret, body.toString(), { id: 'msg_6', timestamp: now / 1000 });
    const first = await handler({ ...request(headers), url: '/webhooks/replicate?generation=g_1' });
    expect(first.status).toBe(200);
    expect(await handler({ ...request(headers), url: '/webhooks/replicate?generation=g_1' })).toMatchObject({
      status: 200,
      body: { replay: true },
    });
    expect(applied).toEqual(['p1:g_1']);
    const forged = { ...headers, 'webhook-id': 'msg_7' };
    expect((await handler(request(forged))).status).toBe(401);
    expect(seen.has('msg_7')).toBe(false);
  });

  it('applies a delivery again when its first try failed, and remembers it only once applied', async () => {
    const seen = new Set<string>();
    const applied: string[] = [];
    let failuresLeft = 1;
    const handler = createWebhookHandler({
      secret: async () => secret,
      seenDelivery: async (id) => seen.has(id),
      rememberDelivery: async (id) => {
        seen.add(id);
      },
      onPrediction: async (prediction) => {
        if (failuresLeft-- > 0) throw new Error('database is locked');
        applied.push(prediction.id);
      },
      logger: silentLogger(),
      clock: () => now,
    });
    const headers = signedHeaders(secret, body.toString(), { id: 'msg_8', timestamp: now / 1000 });
    await expect(handler(request(headers))).rejects.toThrow('database is locked');
    expect(seen.has('msg_8')).toBe(false);
    expect(await handler(request(headers))).toEqual({ status: 200, body: { ok: true } });
    expect(applied).toEqual(['p1']);
    expect(await handler(request(headers))).toMatchObject({ body: { replay: true } });
    expect(applied).toEqual(['p1']);
  });
});
