import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/core/config.js';
import { codeOf, userMessageOf } from '../../../../src/core/errors.js';
import { createServerRules } from '../../../../src/core/generations/server-rules.js';
import { parseSettingValue } from '../../../../src/core/generations/server-setting-values.js';
import type { CatalogModel } from '../../../../src/core/replicate/catalog.js';
import { openSqliteStore } from '../../../../src/core/store/store.js';

const guild = { platform: 'discord' as const, workspaceId: 'G1' };
const admin = { userId: 'u1' };

/** The catalog's collections, as the rules read them (the port, with two listed models). */
const catalog = {
  async listModels(collection: string): Promise<CatalogModel[]> {
    if (collection !== 'text-to-video') throw new Error(`no collection ${collection}`);
    return [{ ref: 'a/text' }, { ref: 'b/text' }] as CatalogModel[];
  },
};

function setup(env: Record<string, string> = {}) {
  let now = 0;
  const store = openSqliteStore(':memory:').serverSettings;
  const config = loadConfig({ DATA_DIR: '/tmp/reelbot-rules', ...env });
  const rules = createServerRules({ config, store, catalog, clock: () => now });
  return { store, rules, tick: (ms: number) => (now += ms) };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return { code: codeOf(error), message: userMessageOf(error) };
  }
  return undefined;
}

describe('server rules', () => {
  it('allow ALLOWED_MODELS (collections resolved through the catalog) unless the server set its own, and the command line any', async () => {
    const { rules } = setup({ ALLOWED_MODELS: 'collection:text-to-video,c/extra' });
    const allows = await rules.allows(guild);
    expect(['a/text', 'b/text', 'c/extra', 'd/other'].map(allows)).toEqual([true, true, true, false]);
    expect(await refusal(rules.assertModelAllowed(guild, 'd/other'))).toEqual({
      code: 'MODEL_NOT_ALLOWED',
      message: 'The model d/other is not allowed here. Allowed: the collection text-to-video, c/extra.',
    });
    await rules.change(guild, 'allowedModels', ['d/other', 'collection:nope'], admin);
    expect(await refusal(rules.assertModelAllowed(guild, 'd/other:v1'))).toBeUndefined();
    expect(await refusal(rules.assertModelAllowed(guild, 'a/text'))).toMatchObject({
      code: 'MODEL_NOT_ALLOWED',
    });
    expect(await refusal(rules.assertModelAllowed({ platform: 'cli' }, 'z/z'))).toBeUndefined();
  });

  it('shorten a long allow-list in the refusal', async () => {
    const { rules } = setup();
    const many = Array.from({ length: 40 }, (_, i) => `owner${i}/model-number-${i}`);
    await rules.change(guild, 'allowedModels', many, admin);
    const said = (await refusal(rules.assertModelAllowed(guild, 'x/y')))!.message;
    expect(said.length).toBeLessThan(400);
    expect(said).toMatch(/owner0\/model-number-0, .*, and more\.$/);
  });

  it('see a change made here at once, and one made by another process within the cache time', async () => {
    const { store, rules, tick } = setup({ BLOCKED_TERMS: 'gore', DAILY_VIDEOS_PER_USER: '20' });
    expect((await rules.blockedTerms(guild)).find('some Gore')).toBe('gore');
    await rules.change(guild, 'blockedTerms', ['boat'], admin);
    expect((await rules.blockedTerms(guild)).find('some Gore')).toBeUndefined();
    expect((await rules.blockedTerms(guild)).find('a BOAT')).toBe('boat');
    // Another process changes the quota: seen once the 5 s cache time has passed.
    await store.change(guild, 'dailyVideosPerUser', 2, admin);
    expect((await rules.limitsFor(guild)).videosPerUser).toBe(20);
    tick(5_000);
    expect((await rules.limitsFor(guild)).videosPerUser).toBe(2);
    expect((await rules.limitsFor({ platform: 'discord', workspaceId: 'G2' })).videosPerUser).toBe(20);
  });

  it('keep a server to its channels, and lift a budget with "none"', async () => {
    const { rules } = setup({ DAILY_GPU_SECONDS_PER_SERVER: '100' });
    await rules.change(guild, 'channels', parseSettingValue('channels', '<#C1|videos>, #C2'), admin);
    expect(await refusal(rules.assertChannelAllowed({ ...guild, channelId: 'C3' }))).toEqual({
      code: 'CHANNEL_NOT_ALLOWED',
      message: 'reelbot answers in <#C1>, <#C2> here.',
    });
    expect(await refusal(rules.assertChannelAllowed({ ...guild, channelId: 'C2' }))).toBeUndefined();
    // A Slack direct message is the person's own: a workspace's channels do not hold it.
    const team = { platform: 'slack' as const, workspaceId: 'T1' };
    await rules.change(team, 'channels', ['C1'], admin);
    expect(await refusal(rules.assertChannelAllowed({ ...team, channelId: 'D9' }))).toBeUndefined();
    expect(await refusal(rules.assertChannelAllowed({ ...team, channelId: 'C9' }))).toMatchObject({
      code: 'CHANNEL_NOT_ALLOWED',
    });
    await rules.change(
      guild,
      'dailyGpuSecondsPerServer',
      parseSettingValue('dailyGpuSecondsPerServer', 'none'),
      admin,
    );
    expect((await rules.limitsFor(guild)).gpuSecondsPerServer).toBeUndefined();
    expect(() => parseSettingValue('maxJobs', '-1')).toThrow(/whole number/);
    expect(() => parseSettingValue('allowedModels', 'not a model')).toThrow(/neither owner\/name/);
  });
});
