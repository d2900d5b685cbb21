import { describe, expect, it } from 'vitest';
import { createLinkSigner } from '../../../../src/core/access/link-token.js';
import { createGalleryLinks } from '../../../../src/core/chat/gallery-links.js';

const signer = createLinkSigner({ secret: 's'.repeat(64), clock: () => Date.UTC(2026, 0, 1) });
const gallery = { public: false };
const requester = { platform: 'discord' as const, workspaceId: 'G1', userId: 'U1' };

// That these links open the web app is proven in test/integration/web/privacy.test.ts.
describe('gallery links', () => {
  it('are made under PUBLIC_URL, or the local web server without one, and carry a signed key', async () => {
    const links = createGalleryLinks(
      { publicUrl: 'https://reelbot.example', port: 3000, dataDir: '/x', gallery },
      signer,
    );
    const page = new URL(links.generation({ id: 'g_1', requester }));
    expect(`${page.origin}${page.pathname}`).toBe('https://reelbot.example/g/g_1');
    expect(await signer.verify(page.searchParams.get('key')!)).toMatchObject({
      ok: true,
      claims: { generationId: 'g_1' },
    });
    const local = createGalleryLinks({ port: 8080, dataDir: '/x', gallery }, signer);
    const place = new URL(local.place({ kind: 'server', platform: 'slack', workspaceId: 'T1' }));
    expect(`${place.origin}${place.pathname}`).toBe('http://localhost:8080/');
    expect(await signer.verify(place.searchParams.get('key')!)).toMatchObject({
      ok: true,
      claims: { place: { kind: 'server', platform: 'slack', workspaceId: 'T1' }, generationId: undefined },
    });
  });
});
