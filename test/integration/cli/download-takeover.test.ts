import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeReplicate, startFakeReplicate } from '../../fakes/replicate/server.js';
import { type ReelbotProcess, startReelbot } from '../../support/reelbot-process.js';
import { until } from '../generations/harness.js';
import {
  operatorKey,
  partFiles,
  seedQueuedGeneration,
  tempDataDir,
  waitForFinalGeneration,
} from './process-helpers.js';

const model = 'minimax/video-01';
let fake: FakeReplicate;
let dataDir: string;
const running: ReelbotProcess[] = [];

beforeAll(async () => {
  fake = await startFakeReplicate();
  dataDir = tempDataDir('takeover');
});
afterAll(async () => {
  for (const process of running) process.kill();
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({
  DATA_DIR: dataDir,
  PORT: '0',
  REPLICATE_API_URL: fake.apiUrl,
  REPLICATE_API_TOKEN: fake.state.token,
  DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
});

describe('reelbot start killed mid-download', { timeout: 120_000 }, () => {
  it('is taken over by the next start as soon as the dead claim lapses: one more download, no leftovers', async () => {
    // The output trickles out, so the first process is surely mid-download when it is killed.
    fake.state.predictions.configure(model, { steps: 1, tickMs: 5, output: 'slow', trickleMs: 50 });
    const id = await seedQueuedGeneration(dataDir, model, 'a lighthouse in a storm');

    const first = await startReelbot(env());
    running.push(first);
    const prediction = () => [...fake.state.predictions.predictions.values()][0];
    await until(() => (prediction()?.downloads ?? 0) === 1, 30_000);
    await until(() => partFiles(dataDir).length === 1, 30_000);
    first.kill(); // SIGKILL: no shutdown, the claim stays in the database
    await first.exited;
    const killedAt = Date.now();
    const entry = prediction()!;
    expect(entry.completeDownloads).toBe(0);
    // From now on the file comes at once: what is measured is the hand-over, not the trickle.
    entry.behaviour.output = 'video';

    const second = await startReelbot(env());
    running.push(second);
    const { generation, seen } = await waitForFinalGeneration(second.url, id, killedAt + 30_000, dataDir);
    expect(generation.status).toBe('succeeded');
    expect(seen.at(-1)).toBe('succeeded');

    // Exactly one whole download after the restart, and the dead one's partial file is gone.
    expect(entry.downloads).toBe(2);
    expect(entry.completeDownloads).toBe(1);
    const takeover = await second.waitForLine(
      (line) => line.msg === 'took over a download whose owner stopped',
      'the takeover',
    );
    expect(takeover).toMatchObject({ generationId: id, removedFiles: 1 });
    expect(partFiles(dataDir)).toEqual([]);
    const video = await fetch(`${second.url}/media/${id}?${operatorKey(dataDir)}`);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(fs.existsSync(path.join(dataDir, 'media', `${id}.mp4`))).toBe(true);
    await second.stop();
  });
});
