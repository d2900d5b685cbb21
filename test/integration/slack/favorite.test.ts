import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinkSecret } from '../../../src/core/access/link-secret.js';
import { createLinkSigner } from '../../../src/core/access/link-token.js';
import { until } from '../generations/harness.js';
import { messageText, nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'minimax/video-01';
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});

type Element = { action_id?: string; url?: string; value?: string };

describe('Slack: Favorite and Download on a finished video', () => {
  it('links the file with a signed one-video link, and Favorite toggles for the person who pressed', async () => {
    const person = { id: 'U0FAVOWN1' };
    h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 5 });
    const prompt = 'a windmill at dusk';
    const form = await openModelForm(h, { command: '/video', text: prompt, model, person });
    const done = nextEvent(h.service, (e) => e.type === 'succeeded' && e.generation.prompt === prompt);
    await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    const generation = (await done).generation;
    await until(async () => (await h.store.get(generation.id))?.messageRef?.delivered === true);
    const ts = String((await h.store.get(generation.id))!.messageRef!.ts);
    const update = await h.slack.waitForCall(
      'chat.update',
      (c) => c.args.ts === ts && messageText(c.args).includes('reelbot_favorite'),
      { since: form.since },
    );
    const elements = (update.args.blocks as { elements?: Element[] }[]).flatMap((b) => b.elements ?? []);
    const download = new URL(elements.find((e) => e.action_id === 'reelbot_download')!.url!);
    expect(download.pathname).toBe(`/media/${generation.id}`);
    const signer = createLinkSigner({ secret: loadLinkSecret(h.config) });
    const check = await signer.verify(download.searchParams.get('key')!);
    expect(check.ok && check.claims.generationId).toBe(generation.id);

    const press = (who: { id: string }) =>
      h.client.messageButton({
        channelId: 'C0GENERAL',
        message: h.slack.message('C0GENERAL', ts)!,
        actionId: 'reelbot_favorite',
        person: who,
      });
    const fan = { platform: 'slack' as const, userId: person.id };
    const mark = h.slack.log.of('response_url').length;
    await press(person);
    const added = await h.slack.waitForCall('response_url', () => true, { since: form.since });
    expect(added.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(added.args.text)).toContain('Added');
    expect(await h.favorites.has(fan, generation.id)).toBe(true);

    await press(person);
    await until(async () => h.slack.log.of('response_url').length >= mark + 2);
    expect(String(h.slack.log.of('response_url').at(-1)!.args.text)).toContain('Removed');
    expect(await h.favorites.has(fan, generation.id)).toBe(false);
  });
});
