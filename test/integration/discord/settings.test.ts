import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerPermissions } from '../../fakes/discord/server.js';
import { type DiscordHarness, startHarness, waitForEvent } from './harness.js';

let h: DiscordHarness;

beforeAll(async () => {
  h = await startHarness({ serverSettings: true, env: { BLOCKED_TERMS: 'gore' } });
});
afterAll(async () => {
  await h?.close();
});

const admin = { memberPermissions: managerPermissions };
const mona: APIUser = {
  id: '310000000000000091',
  username: 'mona',
  global_name: 'Mona',
  discriminator: '0',
  avatar: null,
};

/** The private answer to an interaction, whichever way the bot sent it. */
async function privateAnswer(token: string): Promise<{ content: string; ephemeral: boolean }> {
  const call = await h.discord.waitForCall(
    (c) =>
      c.method === 'POST' &&
      (c.route === `/webhooks/${h.discord.state.applicationId}/${token}` ||
        (c.route.includes('/interactions/') && c.route.endsWith(`/${token}/callback`) && c.json?.type === 4)),
  );
  const data = call.json.data ?? call.json;
  // 64: Discord's EPHEMERAL message flag.
  return { content: data.content as string, ephemeral: ((data.flags ?? 0) & 64) === 64 };
}

async function settings(options: { action: string; key?: string; value?: string }, actor = admin) {
  const sent = h.discord.sendCommand(
    'settings',
    Object.entries(options).map(([name, value]) => ({ name, value })),
    actor,
  );
  return privateAnswer(sent.token);
}

function askForVideo(model: string, prompt: string, user?: APIUser) {
  return h.discord.sendCommand(
    'video',
    [
      { name: 'model', value: model },
      { name: 'prompt', value: prompt },
    ],
    user ? { user } : {},
  );
}

const guild = () => ({ platform: 'discord' as const, workspaceId: h.discord.state.guildId });

describe('/settings on Discord', () => {
  it('is registered for Manage Server, and refuses a member without it at run time', async () => {
    const command = h.discord.state.globalCommands.find((c) => c.name === 'settings');
    expect(command?.default_member_permissions).toBe('32');
    const answer = await settings({ action: 'set', key: 'maxJobs', value: '1' }, {
      memberPermissions: undefined,
    } as never);
    expect(answer).toEqual({
      content: 'Only members who may manage this server can change its reelbot settings.',
      ephemeral: true,
    });
    expect(await h.rules!.listAudit(guild())).toEqual([]);
  });

  it('keeps a server to its allowed models: refused before any prediction, left out of autocomplete, logged in the audit', async () => {
    const set = await settings({ action: 'set', key: 'allowedModels', value: 'minimax/video-01' });
    expect(set.ephemeral).toBe(true);
    expect(set.content).toBe('Allowed models is now minimax/video-01 (was default).');
    const [entry] = await h.rules!.listAudit(guild());
    expect(entry).toMatchObject({
      key: 'allowedModels',
      oldValue: undefined,
      newValue: ['minimax/video-01'],
      userId: '310000000000000001',
      userName: 'Ada',
    });

    const before = h.replicate.state.predictions.predictions.size;
    const refused = askForVideo('tencent/hunyuan-video', 'a lighthouse at dusk');
    expect((await privateAnswer(refused.token)).content).toBe(
      'The model tencent/hunyuan-video is not allowed here. Allowed: minimax/video-01.',
    );
    expect(h.replicate.state.predictions.predictions.size).toBe(before);

    const ask = h.discord.sendAutocomplete('video', [{ name: 'model', value: 'mini', focused: true }]);
    const values = (await h.discord.waitForCallback(ask)).json.data.choices.map(
      (c: { value: string }) => c.value,
    );
    expect(values).toEqual(['minimax/video-01']);

    const show = await settings({ action: 'show' });
    expect(show.content).toContain('Allowed models (`allowedModels`): minimax/video-01\n');
    expect(show.content).toContain('Blocked terms (`blockedTerms`): gore (default)');
  });

  it('applies a quota and blocked terms set in chat, and answers only in the channels it is given', async () => {
    h.replicate.state.predictions.configure('minimax/video-01', { steps: 1, predictTime: 5 });
    await settings({ action: 'set', key: 'dailyVideosPerUser', value: '1' });
    const done = waitForEvent(h, (e) => e.type === 'succeeded' && e.generation.prompt === 'one boat');
    askForVideo('minimax/video-01', 'one boat', mona);
    await done;
    const before = h.replicate.state.predictions.predictions.size;
    const second = askForVideo('minimax/video-01', 'two boats', mona);
    expect((await privateAnswer(second.token)).content).toMatch(/^You have made 1 of 1 videos today/);

    await settings({ action: 'set', key: 'blockedTerms', value: 'boats, Lighthouse' });
    await settings({ action: 'reset', key: 'dailyVideosPerUser' });
    const blocked = askForVideo('minimax/video-01', 'a lighthouse', mona);
    expect((await privateAnswer(blocked.token)).content).toBe(
      'This prompt uses a term this server does not allow.',
    );

    await settings({ action: 'set', key: 'channels', value: '<#320000000000000999>' });
    const elsewhere = askForVideo('minimax/video-01', 'a calm sea', mona);
    expect(await privateAnswer(elsewhere.token)).toEqual({
      content: 'reelbot answers in <#320000000000000999> here.',
      ephemeral: true,
    });
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
    // /settings itself still answers there, so the admins can open the channel again.
    expect((await settings({ action: 'reset', key: 'channels' })).content).toMatch(
      /^Channels where reelbot answers is now every channel/,
    );
  });

  it('holds the server to its most jobs at once', async () => {
    h.replicate.state.predictions.configure('minimax/video-01', { manual: true });
    await settings({ action: 'set', key: 'maxJobs', value: '1' });
    const started = waitForEvent(h, (e) => e.type === 'started' && e.generation.prompt === 'a slow river');
    askForVideo('minimax/video-01', 'a slow river', mona);
    await started;
    const before = h.replicate.state.predictions.predictions.size;
    const second = askForVideo('minimax/video-01', 'a fast river');
    expect((await privateAnswer(second.token)).content).toBe(
      'This server runs at most 1 video at once, and 1 is under way. Please try again when one finishes.',
    );
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
  });
});
