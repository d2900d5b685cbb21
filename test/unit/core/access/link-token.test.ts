import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canSee } from '../../../../src/core/access/grant.js';
import { loadLinkSecret } from '../../../../src/core/access/link-secret.js';
import { createLinkSigner, linkLifetimeMs } from '../../../../src/core/access/link-token.js';
import { type Place, parsePlaceKey, placeKey, placeOf } from '../../../../src/core/access/place.js';

const secret = 'a'.repeat(64);
const guild: Place = { kind: 'server', platform: 'discord', workspaceId: 'G1' };
const t0 = Date.UTC(2026, 0, 1);

describe('places', () => {
  it('are a server, a direct message or the operator, read from the requester', () => {
    expect(placeOf({ platform: 'discord', workspaceId: 'G1', channelId: 'C1', userId: 'U1' })).toEqual(guild);
    expect(placeOf({ platform: 'discord', userId: 'U1' })).toEqual({
      kind: 'dm',
      platform: 'discord',
      userId: 'U1',
    });
    // A Slack DM has a team id, but only its person may see it.
    expect(placeOf({ platform: 'slack', workspaceId: 'T1', channelId: 'D9', userId: 'U1' })).toEqual({
      kind: 'dm',
      platform: 'slack',
      userId: 'U1',
    });
    expect(placeOf({ platform: 'slack', workspaceId: 'T1', channelId: 'C9', userId: 'U1' }).kind).toBe(
      'server',
    );
    expect(placeOf({ platform: 'cli', userId: 'me' })).toEqual({ kind: 'operator' });
  });

  it('round-trip through their key and refuse anything else', () => {
    for (const place of [
      guild,
      { kind: 'dm', platform: 'slack', userId: 'U1' },
      { kind: 'operator' },
    ] as Place[])
      expect(parsePlaceKey(placeKey(place))).toEqual(place);
    expect(parsePlaceKey('discord:G1|x')).toBeUndefined();
    expect(parsePlaceKey('web:1')).toBeUndefined();
  });
});

describe('link tokens', () => {
  const clock = { now: t0 };
  const revoked = new Set<string>();
  const signer = createLinkSigner({ secret, clock: () => clock.now, isRevoked: async (s) => revoked.has(s) });

  it('carry the place and the video, and last 7 days', async () => {
    const token = signer.sign({ place: guild, generationId: 'g_1' });
    const check = await signer.verify(token);
    expect(check).toMatchObject({ ok: true, claims: { place: guild, generationId: 'g_1' } });
    clock.now = t0 + linkLifetimeMs - 1000;
    expect((await signer.verify(token)).ok).toBe(true);
    clock.now = t0 + linkLifetimeMs;
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'expired' });
    clock.now = t0;
  });

  it('refuse a changed place, a changed signature, another key and garbage', async () => {
    const token = signer.sign({ place: guild });
    const [payload, signature] = token.split('.') as [string, string];
    const otherPlace = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('discord:G1', 'discord:G2'),
    ).toString('base64url');
    expect(await signer.verify(`${otherPlace}.${signature}`)).toEqual({ ok: false, reason: 'bad-signature' });
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await signer.verify(`${payload}.${flipped}`)).toEqual({ ok: false, reason: 'bad-signature' });
    const rotated = createLinkSigner({ secret: 'b'.repeat(64), clock: () => clock.now });
    expect(await rotated.verify(token)).toEqual({ ok: false, reason: 'bad-signature' });
    expect((await signer.verify('not-a-token')).ok).toBe(false);
    expect((await signer.verify('')).ok).toBe(false);
  });

  it('can be revoked one by one', async () => {
    const kept = signer.sign({ place: guild });
    clock.now += 1000;
    const token = signer.sign({ place: guild });
    const check = await signer.verify(token);
    if (!check.ok) throw new Error('expected a good token');
    revoked.add(check.signature);
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await signer.verify(kept)).ok).toBe(true);
  });

  it('grant a place its videos, or one video, and nothing of another place', () => {
    const mine = { id: 'g_1', requester: { platform: 'discord' as const, workspaceId: 'G1', userId: 'U1' } };
    const theirs = {
      id: 'g_2',
      requester: { platform: 'discord' as const, workspaceId: 'G2', userId: 'U1' },
    };
    const sibling = { ...mine, id: 'g_3' };
    expect(canSee({ kind: 'place', place: guild }, mine)).toBe(true);
    expect(canSee({ kind: 'place', place: guild }, theirs)).toBe(false);
    expect(canSee({ kind: 'generation', place: guild, generationId: 'g_1' }, mine)).toBe(true);
    expect(canSee({ kind: 'generation', place: guild, generationId: 'g_1' }, sibling)).toBe(false);
    expect(canSee({ kind: 'nothing' }, mine)).toBe(false);
    expect(canSee({ kind: 'everything' }, theirs)).toBe(true);
  });
});

describe('the link key', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is generated once, kept private in the data folder, and LINK_SECRET wins over it', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-key-'));
    dirs.push(dataDir);
    const first = loadLinkSecret({ dataDir, gallery: { public: false } });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(loadLinkSecret({ dataDir, gallery: { public: false } })).toBe(first);
    expect(fs.statSync(path.join(dataDir, 'link-secret')).mode & 0o777).toBe(0o600);
    expect(loadLinkSecret({ dataDir, gallery: { public: false, linkSecret: secret } })).toBe(secret);
  });
});
