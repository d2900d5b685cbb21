import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';
import { type FakeReplicate, startFakeReplicate } from '../../fakes/replicate/server.js';
import { type ReelbotProcess, startReelbot } from '../../support/reelbot-process.js';
import { partFiles, seedQueuedGeneration, tempDataDir, waitForFinalGeneration } from './process-helpers.js';

const model = 'minimax/video-01';
let fake: FakeReplicate;
let dataDir: string;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  fake = await startFakeReplicate();
  dataDir = tempDataDir('disk-full');
});
afterAll(async () => {
  reelbot?.kill();
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('reelbot start on a disk that fills up', { timeout: 120_000 }, () => {
  it('fails the video with DOWNLOAD_DISK_FULL, keeps no partial file, and leaves the database consistent', async () => {
    // A 64 MB video for a process that may write no file past 32 MB: the download runs out of room
    // midway, as on a full disk (the kernel answers EFBIG instead of ENOSPC, after a short write).
    fake.state.predictions.configure(model, {
      steps: 1,
      tickMs: 5,
      output: 'huge',
      hugeBytes: 64 * 1024 * 1024,
    });
    const id = await seedQueuedGeneration(dataDir, model, 'a flood of pixels');
    reelbot = await startReelbot(
      {
        DATA_DIR: dataDir,
        PORT: '0',
        REPLICATE_API_URL: fake.apiUrl,
        REPLICATE_API_TOKEN: fake.state.token,
        DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
      },
      { fileSizeLimitKiB: 32 * 1024 },
    );

    const { generation } = await waitForFinalGeneration(reelbot.url, id, Date.now() + 60_000, dataDir);
    expect(generation).toMatchObject({
      status: 'failed',
      errorCode: 'DOWNLOAD_DISK_FULL',
      error: 'The server ran out of disk space while saving the video, so it was not kept.',
    });
    // Tried once: no room is made by trying again.
    const prediction = [...fake.state.predictions.predictions.values()][0]!;
    expect(prediction.downloads).toBe(1);
    expect(partFiles(dataDir)).toEqual([]);
    const media = path.join(dataDir, 'media');
    expect(fs.existsSync(media) ? fs.readdirSync(media) : []).toEqual([]);
    const logged = await reelbot.waitForLine(
      (line) => line.msg === 'output could not be kept',
      'the failure',
    );
    expect(logged).toMatchObject({ generationId: id, code: 'DOWNLOAD_DISK_FULL' });
    await reelbot.stop();
    reelbot = undefined;

    // What the process left in the database: failed with the message, no claim, no media.
    const db = openDatabase(dataDir);
    const store = createGenerationStore(db);
    expect(await store.get(id)).toMatchObject({
      status: 'failed',
      errorCode: 'DOWNLOAD_DISK_FULL',
      media: undefined,
    });
    expect((await store.internals(id))?.downloadClaim).toBeUndefined();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
