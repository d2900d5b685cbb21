import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinkSecret } from '../../../src/core/access/link-secret.js';
import { createLinkSigner } from '../../../src/core/access/link-token.js';
import { type DiscordHarness, startHarness, waitForEdit } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness();
  h.replicate.state.predictions.configure('minimax/video-01', { steps: 1, tickMs: 2 });
});
afterAll(async () => {
  await h?.close();
});

type Button = { type: number; label?: string; custom_id?: string; url?: string; style?: number };

describe('keeping a finished video: Download and Favorite', () => {
  it('links the file with a signed one-video link, and Favorite toggles for the person who pressed', async () => {
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a lighthouse in a storm' },
    ]);
    const done = await waitForEdit(h, command.token, /^✅ Done/);
    const generationId = (await h.store.list({}, { limit: 1 })).items[0]!.id;
    const buttons = (done.json.components as { components: Button[] }[]).flatMap((row) => row.components);

    const download = buttons.find((b) => b.label === 'Download')!;
    expect(download.style).toBe(5);
    const url = new URL(download.url!);
    expect(`${url.origin}${url.pathname}`).toBe(`https://reelbot.example/media/${generationId}`);
    expect(url.searchParams.get('download')).toBe('1');
    const signer = createLinkSigner({ secret: loadLinkSecret(h.config) });
    const check = await signer.verify(url.searchParams.get('key')!);
    expect(check.ok && check.claims.generationId).toBe(generationId);

    const favorite = buttons.find((b) => b.label === 'Favorite')!;
    const messageId = h.discord.state.interactions.get(command.id)!.originalMessageId!;
    const ada = {
      platform: 'discord' as const,
      userId: h.discord.state.interactions.get(command.id)!.user.id,
    };
    const on = h.discord.pressButton(messageId, favorite.custom_id!);
    const added = (await h.discord.waitForCallback(on)).json;
    expect(added.data.flags & 64).toBe(64);
    expect(added.data.content).toContain('Added');
    expect(await h.favorites.has(ada, generationId)).toBe(true);
    // Someone else's press is their own favorite.
    const bob = {
      id: '310000000000000002',
      username: 'bob',
      global_name: 'Bob',
      discriminator: '0',
      avatar: null,
    };
    await h.discord.waitForCallback(h.discord.pressButton(messageId, favorite.custom_id!, { user: bob }));
    expect(await h.favorites.counts([generationId])).toEqual(new Map([[generationId, 2]]));

    const off = h.discord.pressButton(messageId, favorite.custom_id!);
    expect((await h.discord.waitForCallback(off)).json.data.content).toContain('Removed');
    expect(await h.favorites.has(ada, generationId)).toBe(false);
    expect(await h.favorites.has({ platform: 'discord', userId: bob.id }, generationId)).toBe(true);
  });
});
