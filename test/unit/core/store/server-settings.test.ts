import { describe, expect, it } from 'vitest';
import { freshStore, storeEngines } from '../../../support/store-engines.js';

const guild = { platform: 'discord' as const, workspaceId: 'G1' };
const other = { platform: 'slack' as const, workspaceId: 'T1' };
const admin = { userId: 'u1', userName: 'Ada' };

/** Server settings and their audit log, the same on both engines. */
describe.each(storeEngines())('server settings on $name', (engine) => {
  it('keeps each server its own settings, and resets a key to the default', async () => {
    let now = 1_000;
    const settings = (await freshStore(engine, () => now++)).serverSettings;
    expect(await settings.get(guild)).toEqual({});
    expect(await settings.change(guild, 'maxJobs', 3, admin)).toEqual({ oldValue: undefined, newValue: 3 });
    expect(await settings.change(guild, 'maxJobs', 5, admin)).toEqual({ oldValue: 3, newValue: 5 });
    await settings.change(guild, 'allowedModels', ['a/b', 'collection:text-to-video'], admin);
    await settings.change(guild, 'dailyGpuSecondsPerServer', null, admin);
    await settings.change(other, 'blockedTerms', ['zap'], { userId: 'U9' });
    expect(await settings.get(guild)).toEqual({
      maxJobs: 5,
      allowedModels: ['a/b', 'collection:text-to-video'],
      dailyGpuSecondsPerServer: null,
    });
    expect(await settings.get(other)).toEqual({ blockedTerms: ['zap'] });
    expect(await settings.change(guild, 'maxJobs', undefined, admin)).toEqual({
      oldValue: 5,
      newValue: undefined,
    });
    expect((await settings.get(guild)).maxJobs).toBeUndefined();
  });

  it('writes every change to the audit log: who, when, the key, old and new value', async () => {
    let now = 5_000;
    const settings = (await freshStore(engine, () => now)).serverSettings;
    await settings.change(guild, 'dailyVideosPerUser', 3, admin);
    now = 6_000;
    await settings.change(guild, 'dailyVideosPerUser', 4, { userId: 'u2' });
    now = 7_000;
    await settings.change(other, 'channels', ['C1'], { userId: 'U9', userName: 'Bo' });
    await settings.change(guild, 'dailyVideosPerUser', undefined, admin);

    const ofGuild = await settings.listAudit(guild);
    expect(ofGuild.map(({ id: _id, ...entry }) => entry)).toEqual([
      {
        platform: 'discord',
        workspaceId: 'G1',
        key: 'dailyVideosPerUser',
        oldValue: 4,
        newValue: undefined,
        userId: 'u1',
        userName: 'Ada',
        at: 7_000,
      },
      {
        platform: 'discord',
        workspaceId: 'G1',
        key: 'dailyVideosPerUser',
        oldValue: 3,
        newValue: 4,
        userId: 'u2',
        at: 6_000,
      },
      {
        platform: 'discord',
        workspaceId: 'G1',
        key: 'dailyVideosPerUser',
        oldValue: undefined,
        newValue: 3,
        userId: 'u1',
        userName: 'Ada',
        at: 5_000,
      },
    ]);
    const all = await settings.listAudit(undefined, 2);
    expect(all.map((entry) => [entry.workspaceId, entry.key])).toEqual([
      ['G1', 'dailyVideosPerUser'],
      ['T1', 'channels'],
    ]);
  });

  it('is shared by every process on one database', async () => {
    const place = await engine.fresh();
    const one = await engine.open(place);
    const two = await engine.open(place);
    await one.serverSettings.change(guild, 'blockedTerms', ['zap'], admin);
    expect(await two.serverSettings.get(guild)).toEqual({ blockedTerms: ['zap'] });
    expect(await two.serverSettings.listAudit(guild)).toHaveLength(1);
  });
});
