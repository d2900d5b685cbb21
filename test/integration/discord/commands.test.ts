import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as registerCommandsCli } from '../../../src/cli/register-commands.js';
import { loadLinkSecret } from '../../../src/core/access/link-secret.js';
import { createLinkSigner } from '../../../src/core/access/link-token.js';
import { type DiscordHarness, startHarness, waitForEdit } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const names = [
  'video',
  'animate',
  'Animate this image',
  'models',
  'simulate',
  'gallery',
  'jobs',
  'usage',
  'compare',
  'settings',
];

describe('command registration', () => {
  it('registers commands.json at start, and not again while it is unchanged', async () => {
    const put = h.discord.calls.filter((call) => call.method === 'PUT');
    expect(put).toHaveLength(1);
    expect(put[0]!.route).toBe(`/applications/${h.discord.state.applicationId}/commands`);
    expect(h.discord.state.globalCommands.map((c) => c.name)).toEqual(names);
    const video = h.discord.state.globalCommands.find((c) => c.name === 'video')!;
    expect(video.options?.map((o) => [o.name, o.type, Boolean(o.required)])).toEqual([
      ['model', 3, true],
      ['prompt', 3, true],
      ['image', 11, false],
      ['advanced', 5, false],
      ['count', 4, false],
    ]);

    const mark = h.discord.mark();
    await h.restartBot();
    expect(h.discord.calls.slice(mark).filter((call) => call.method === 'PUT')).toHaveLength(0);
  });

  it('`reelbot register-commands --guild ID` pushes them to one server', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      DATA_DIR: h.config.dataDir,
      DISCORD_TOKEN: h.discord.state.token,
      DISCORD_APPLICATION_ID: h.discord.state.applicationId,
      DISCORD_API_URL: h.discord.apiUrl,
    });
    try {
      expect(await registerCommandsCli(['--guild', h.discord.state.guildId])).toBe(0);
    } finally {
      process.env = saved;
    }
    expect(h.discord.state.guildCommands.get(h.discord.state.guildId)?.map((c) => c.name)).toEqual(names);
    expect(await registerCommandsCli(['--guild', 'not-a-number'])).toBe(2);
  });
});

describe('autocomplete', () => {
  it('suggests models from the catalog, at most 25 choices of at most 100 characters', async () => {
    const ask = h.discord.sendAutocomplete('video', [
      { name: 'model', value: 'mini', focused: true },
      { name: 'prompt', value: '' },
    ]);
    const answer = (await h.discord.waitForCallback(ask)).json;
    expect(answer.type).toBe(8);
    const values = answer.data.choices.map((c: { value: string }) => c.value);
    expect(values).toEqual(expect.arrayContaining(['minimax/video-01', 'minimax/video-01-live']));
    expect(answer.data.choices.length).toBeLessThanOrEqual(25);
    for (const choice of answer.data.choices) expect(choice.name.length).toBeLessThanOrEqual(100);
  });

  it('offers only image-to-video models for /animate', async () => {
    const ask = h.discord.sendAutocomplete('animate', [{ name: 'model', value: 'mini', focused: true }]);
    const values = (await h.discord.waitForCallback(ask)).json.data.choices.map(
      (c: { value: string }) => c.value,
    );
    expect(values).toEqual(['minimax/video-01-live']);
  });

  it('answers in time when Replicate does not answer at all', async () => {
    const hanging: http.ServerResponse[] = [];
    const silent = http.createServer((_req, res) => hanging.push(res));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = await startHarness({
      catalogApiUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`,
      bot: { lookupTimeoutMs: 400 },
    });
    try {
      const ask = slow.discord.sendAutocomplete('video', [
        { name: 'model', value: 'someone/new-model', focused: true },
      ]);
      const answer = (await slow.discord.waitForCallback(ask)).json;
      expect(answer.type).toBe(8);
      expect(answer.data.choices).toEqual([{ name: 'someone/new-model', value: 'someone/new-model' }]);
    } finally {
      await slow.close();
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('other commands', () => {
  it('/models lists models with description and run count', async () => {
    const command = h.discord.sendCommand('models', [{ name: 'collection', value: 'image-to-video' }]);
    const deferred = (await h.discord.waitForCallback(command)).json;
    expect(deferred.type).toBe(5);
    expect(deferred.data.flags & 64).toBe(64);
    const edit = await h.discord.waitForCall(
      (call) => call.method === 'PATCH' && call.route.includes(`/${command.token}/messages/@original`),
    );
    const [embed] = edit.json.embeds;
    expect(embed.title).toBe('Image to video');
    expect(embed.description).toContain('**minimax/video-01-live** · 4,000 runs');
    expect(embed.description).toContain('animates an image');
    expect(embed.description).not.toContain('tencent/hunyuan-video');
  });

  it("/gallery answers privately with a signed link to this server's gallery", async () => {
    const command = h.discord.sendCommand('gallery', []);
    const answer = (await h.discord.waitForCallback(command)).json.data;
    expect(answer.flags & 64).toBe(64);
    const link = new URL(answer.components[0].components[0].url);
    expect(`${link.origin}${link.pathname}`).toBe('https://reelbot.example/');
    const check = await createLinkSigner({ secret: loadLinkSecret(h.config) }).verify(
      link.searchParams.get('key')!,
    );
    expect(check).toMatchObject({
      ok: true,
      claims: { place: { kind: 'server', platform: 'discord', workspaceId: h.discord.state.guildId } },
    });
  });

  it('tells plainly when a model does not exist', async () => {
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'nobody/nothing' },
      { name: 'prompt', value: 'x' },
    ]);
    const answer = (await h.discord.waitForCallback(command)).json.data;
    expect(answer.flags & 64).toBe(64);
    expect(answer.content).toContain('nobody/nothing');
  });

  it('says plainly when Replicate cannot be reached to describe a model', async () => {
    // A model the catalog has not cached (it is in no collection), behind a failing Replicate.
    const known = h.replicate.state.models.get('tencent/hunyuan-video')!;
    h.replicate.state.models.set('someone/uncached', { ...known, owner: 'someone', name: 'uncached' });
    h.replicate.inject({ method: 'GET', pathPrefix: '/v1/models/someone/uncached', status: 503, times: 50 });
    try {
      const command = h.discord.sendCommand('video', [
        { name: 'model', value: 'someone/uncached' },
        { name: 'prompt', value: 'unreachable' },
      ]);
      const answer = (await h.discord.waitForCallback(command)).json.data;
      expect(answer.flags & 64).toBe(64);
      expect(answer.content).toBe(
        'Replicate cannot be reached right now. Please try again in a few minutes.',
      );
    } finally {
      h.replicate.state.faults.length = 0;
    }
  });

  it('reports a Replicate rate limit on the status message in plain words', async () => {
    h.replicate.inject({
      method: 'POST',
      pathPrefix: '/v1/',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { detail: 'Request was throttled.', status: 429 },
      times: 50,
    });
    try {
      const command = h.discord.sendCommand('video', [
        { name: 'model', value: 'tencent/hunyuan-video' },
        { name: 'prompt', value: 'throttled' },
      ]);
      const failed = await waitForEdit(h, command.token, /^❌ Failed/);
      expect(failed.json.content).toContain('Replicate is busy right now');
    } finally {
      h.replicate.state.faults.length = 0;
    }
  });

  it('/simulate says clearly when simulations are not available', async () => {
    await h.restartBot({ service: { ...h.service, simulate: undefined } });
    const command = h.discord.sendCommand('simulate', [{ name: 'prompt', value: 'ten balls fall' }]);
    const answer = (await h.discord.waitForCallback(command)).json.data;
    expect(answer.flags & 64).toBe(64);
    expect(answer.content).toContain('not available');
  });
});
