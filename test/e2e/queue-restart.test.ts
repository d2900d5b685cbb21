import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { type ReelbotProcess, startReelbot } from './reelbot-process.js';

let discord: FakeDiscord;
let replicate: FakeReplicate;
let dataDir: string;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  discord = await startFakeDiscord();
  replicate = await startFakeReplicate();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-e2e-queue-'));
});
afterAll(async () => {
  reelbot?.kill();
  await discord?.close();
  await replicate?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const model = 'minimax/video-01';
const env = () => ({
  DATA_DIR: dataDir,
  PORT: '0',
  REPLICATE_API_URL: replicate.apiUrl,
  REPLICATE_API_TOKEN: replicate.state.token,
  DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
  DISCORD_TOKEN: discord.state.token,
  DISCORD_APPLICATION_ID: discord.state.applicationId,
  DISCORD_API_URL: discord.apiUrl,
  MAX_JOBS_PER_USER: '1',
});

/** Waits for an edit of the status message of `token` whose text matches, from call `after` on. */
const edit = (token: string, match: RegExp, after = 0) =>
  discord.waitForCall(
    (call: RecordedCall) =>
      call.method === 'PATCH' &&
      call.status === 200 &&
      call.route.includes(`/${token}/messages/`) &&
      match.test(call.json?.content ?? ''),
    after,
  );

const predictionOf = (prompt: string) =>
  [...replicate.state.predictions.predictions.values()].find((e) => e.prediction.input?.prompt === prompt);

function finish(prompt: string) {
  const entry = predictionOf(prompt)!;
  while (entry.prediction.status !== 'succeeded') replicate.state.predictions.advance(entry.prediction.id);
}

// A process start (tsx, discord.js, the render worker) takes seconds, more on a busy machine.
describe('`reelbot start` keeps a person’s queue across a restart', { timeout: 180_000 }, () => {
  it('shows the places, comes back after SIGTERM with the same line, and runs it in order', async () => {
    replicate.state.predictions.configure(model, { manual: true, steps: 1 });
    reelbot = await startReelbot(env());
    const video = (prompt: string) =>
      discord.sendCommand('video', [
        { name: 'model', value: model },
        { name: 'prompt', value: prompt },
      ]);
    const first = video('first in my line');
    await edit(first.token, /^⏳ Generating/);
    const second = video('second in my line');
    await edit(second.token, /^🕒 Queued: 1 of yours ahead/);
    const third = video('third in my line');
    await edit(third.token, /^🕒 Queued: 2 of yours ahead/);
    expect(replicate.state.predictions.predictions.size).toBe(1);

    expect((await reelbot.stop()).code).toBe(0);
    const restartedAt = discord.mark();
    reelbot = await startReelbot(env());
    // The line is back as it was, before anything moved.
    await edit(third.token, /^🕒 Queued: 2 of yours ahead/, restartedAt);
    expect(replicate.state.predictions.predictions.size).toBe(1);

    finish('first in my line');
    await edit(first.token, /^✅ Done/, restartedAt);
    await edit(second.token, /^⏳ Generating/, restartedAt);
    await edit(third.token, /^🕒 Queued: 1 of yours ahead/, restartedAt);
    finish('second in my line');
    await edit(second.token, /^✅ Done/, restartedAt);
    await edit(third.token, /^⏳ Generating/, restartedAt);
    finish('third in my line');
    await edit(third.token, /^✅ Done/, restartedAt);

    // Each ran once, in the order asked for.
    const order = [...replicate.state.predictions.predictions.values()]
      .sort((a, b) => (a.prediction.created_at ?? '').localeCompare(b.prediction.created_at ?? ''))
      .map((e) => e.prediction.input?.prompt);
    expect(order).toEqual(['first in my line', 'second in my line', 'third in my line']);
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
  });
});
