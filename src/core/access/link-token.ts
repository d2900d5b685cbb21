import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Place, parsePlaceKey, placeKey } from './place.js';

/** How long a signed link opens the gallery. */
export const linkLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/** What a signed link grants: a place's gallery, or one video of it, until `expiresAt`. */
export interface LinkClaims {
  place: Place;
  /** Present for a link to one video. */
  generationId?: string;
  /** Epoch milliseconds, rounded down to the second. */
  expiresAt: number;
}

/** Why a token was refused; logs name it, users only ever see a 404. */
export type LinkRefusal = 'malformed' | 'bad-signature' | 'expired' | 'revoked';

export type LinkCheck =
  | { ok: true; claims: LinkClaims; signature: string }
  | { ok: false; reason: LinkRefusal };

/** Signs and checks gallery link tokens: HMAC-SHA256 over (place, expiry, generation id). */
export interface LinkSigner {
  sign(grant: { place: Place; generationId?: string }): string;
  /** Asynchronous: whether a link was revoked is asked of the store, which any process may have written. */
  verify(token: string): Promise<LinkCheck>;
}

// The version prefix lets a later token format be told apart from this one.
const version = 'v1';
const tokenPattern = /^([A-Za-z0-9_-]{4,400})\.([A-Za-z0-9_-]{43})$/;
const generationIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Tokens read `<payload>.<signature>`, both base64url, so they sit in a query string as they are.
 * `isRevoked` is asked about a token's signature (a revoked-links list); rotating the secret
 * revokes every token at once. The revoked list is asked on every check, not loaded once into
 * memory: `reelbot revoke-link` writes it from another process (and, scaled out, web processes
 * share one database), so a copy held here would miss revocations until a restart. It is asked
 * only after the signature and expiry hold, so forged or stale tokens cost no query.
 */
export function createLinkSigner(options: {
  secret: string;
  clock?: () => number;
  isRevoked?: (signature: string) => Promise<boolean>;
}): LinkSigner {
  const clock = options.clock ?? Date.now;
  const mac = (payload: string) => createHmac('sha256', options.secret).update(payload).digest();

  return {
    sign({ place, generationId }) {
      const expiresAt = Math.floor((clock() + linkLifetimeMs) / 1000);
      const payload = [version, placeKey(place), String(expiresAt), generationId ?? ''].join('|');
      return `${Buffer.from(payload).toString('base64url')}.${mac(payload).toString('base64url')}`;
    },

    async verify(token) {
      const match = tokenPattern.exec(token);
      if (!match) return { ok: false, reason: 'malformed' };
      const payload = Buffer.from(match[1]!, 'base64url').toString('utf8');
      const given = Buffer.from(match[2]!, 'base64url');
      if (given.length !== 32 || !timingSafeEqual(given, mac(payload)))
        return { ok: false, reason: 'bad-signature' };
      const [tag, key, expires, generationId, ...rest] = payload.split('|');
      const place = key === undefined ? undefined : parsePlaceKey(key);
      if (tag !== version || !place || rest.length > 0 || !/^\d{1,12}$/.test(expires ?? ''))
        return { ok: false, reason: 'malformed' };
      if (generationId && !generationIdPattern.test(generationId)) return { ok: false, reason: 'malformed' };
      const expiresAt = Number(expires) * 1000;
      if (expiresAt <= clock()) return { ok: false, reason: 'expired' };
      if (await options.isRevoked?.(match[2]!)) return { ok: false, reason: 'revoked' };
      return {
        ok: true,
        claims: { place, generationId: generationId || undefined, expiresAt },
        signature: match[2]!,
      };
    },
  };
}
