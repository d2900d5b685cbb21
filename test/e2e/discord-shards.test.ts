import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../fakes/discord/gateway.js';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import type { ReelbotProcess } from '../support/reelbot-process.js';

const stage = createE2eStage('shards');
let discord: FakeDiscord;
let replicate: FakeReplicate;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  discord = await stage.use(startFakeDiscord({ recommendedShards: 2 }));
  replicate = await stage.use(startFakeReplicate());
});
afterEach(async () => {
  await reelbot?.stop();
  reelbot = undefined;
});
afterAll(() => stage.end());

const env = (shards: Record<string, string>) => ({
  DATA_DIR: stage.dataDir,
  PORT: '0',
  ...replicate.env,
  ...discord.env,
  ...shards,
});

const connected = (process: ReelbotProcess) =>
  process.waitForLine((line) => line.msg === 'Discord bot connected', 'the Discord login');

const commandRegistrations = () =>
  discord.state.calls.filter((call) => call.method === 'PUT' && call.route.includes('/commands')).length;

describe('`reelbot start` with a sharded Discord gateway', { timeout: 120_000 }, () => {
  it('runs every recommended shard with DISCORD_SHARDS=auto and answers /video once', async () => {
    const guildShard = shardOf(discord.state.guildId, 2);
    reelbot = await stage.start(env({ DISCORD_SHARDS: 'auto' }));
    const login = await connected(reelbot);
    expect(login.shards).toBe(2);
    expect(discord.gateway.identifiedShards).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );
    expect(login.guilds).toBe(1);
    expect(commandRegistrations()).toBeGreaterThan(0);

    const video = discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: `a lighthouse on shard ${guildShard}` },
    ]);
    const done = await discord.waitForCall(
      (call: RecordedCall) =>
        call.method === 'PATCH' &&
        call.route.includes(`/${video.token}/messages/`) &&
        /^✅ Done/.test(call.json?.content ?? ''),
    );
    expect(done.files).toHaveLength(1);
    // Only the shard that holds the guild heard the interaction, so it was answered once.
    const answers = discord.state.calls.filter(
      (call) => call.method === 'POST' && call.route.includes(`/interactions/${video.id}/`),
    );
    expect(answers).toHaveLength(1);
  });

  it('with DISCORD_SHARD_IDS runs only its own shards, and leaves command registration to shard 0', async () => {
    // The fake guild's id puts it on shard 1 of 2: this process holds it but not shard 0.
    expect(shardOf(discord.state.guildId, 2)).toBe(1);
    const identified = discord.gateway.identifiedShards.length;
    const registered = commandRegistrations();

    // A data folder of its own, so no cached registration hides one this process should not make.
    const ownData = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-e2e-shard1-'));
    reelbot = await stage.start(env({ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1', DATA_DIR: ownData }));
    const login = await connected(reelbot);
    expect(discord.gateway.identifiedShards.slice(identified)).toEqual([[1, 2]]);
    expect(login.guilds).toBe(1);
    expect(commandRegistrations()).toBe(registered);
    await reelbot.stop();
    reelbot = undefined;
    fs.rmSync(ownData, { recursive: true, force: true });
  });

  it('refuses shard ids outside the count with a sentence that says how to fix it', async () => {
    const refused = stage.spawn(env({ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0-2' }));
    const exit = await refused.exited;
    expect(exit.code).not.toBe(0);
    expect(refused.stderr()).toContain(
      'DISCORD_SHARD_IDS has 2, but DISCORD_SHARDS=2 numbers the shards 0 to 1',
    );
  });
});
