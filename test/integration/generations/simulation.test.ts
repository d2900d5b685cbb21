import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/core/generations/service.js';
import {
  alice,
  type FakeReplicate,
  mediaFiles,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  tempDataDir,
  waitForEvent,
  waitForFinal,
} from './harness.js';

const run = promisify(execFile);
let fake: FakeReplicate;
let sut: ServiceUnderTest;
const renders: { prompt: string; seed: number }[] = [];
let hold: Promise<void> | undefined;

/** Stands in for src/simulation at the seam: renders a real MP4 with ffmpeg, with progress. */
const simulator: Simulator = {
  async render(request, outFile, { signal, onProgress, onScene }) {
    renders.push(request);
    // As src/simulation does: the scene rendered is the one given with the chosen shape applied.
    if (request.scene !== undefined)
      onScene?.({
        ...(request.scene as object),
        ...(request.video?.aspect ? { shape: request.video.aspect } : {}),
      });
    for (const percent of [10, 10.5, 40, 80]) onProgress?.(percent);
    if (hold) await Promise.race([hold, new Promise((resolve) => signal.addEventListener('abort', resolve))]);
    signal.throwIfAborted();
    await run('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=blue:size=160x120:rate=12:duration=1`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-f', 'mp4', outFile],
    ]);
    return {};
  },
};

beforeAll(async () => {
  fake = await startFakeReplicate();
  sut = startService(fake, { dataDir: tempDataDir(), simulator });
});
afterAll(async () => {
  await sut.close();
  await fake.close();
});

describe('simulations through the generation service', () => {
  it('is offered only with a simulator', async () => {
    const without = startService(fake, { dataDir: tempDataDir() });
    expect(without.service.simulate).toBeUndefined();
    await without.close();
    expect(sut.service.simulate).toBeTypeOf('function');
  });

  it('renders, reports progress and keeps the video like any other', async () => {
    const started = await sut.service.simulate!({
      requester: alice,
      prompt: 'ten balls fall on a ramp',
      seed: 4,
    });
    expect(started).toMatchObject({ source: 'simulation', model: 'physics', seed: 4 });
    const done = await waitForFinal(sut, started.id);
    expect(done.status).toBe('succeeded');
    expect(done.media).toMatchObject({ path: `media/${started.id}.mp4`, mime: 'video/mp4', width: 160 });
    expect(mediaFiles(sut)).toContain(`${started.id}.poster.jpg`);
    const percents = sut.events
      .filter((e) => e.generation.id === started.id && e.type === 'progress')
      .map((e) => (e.type === 'progress' ? e.percent : undefined));
    expect(percents).toEqual([10, 40, 80]);
    expect(renders.at(-1)).toEqual({ prompt: 'ten balls fall on a ramp', seed: 4 });

    const again = await sut.service.reroll(started.id, alice);
    expect((await waitForFinal(sut, again.id)).status).toBe('succeeded');
    expect(renders.at(-1)?.seed).not.toBe(4);
  });

  it('keeps the scene a file became, so its Scene file renders the same video again', async () => {
    const started = await sut.service.simulate!({
      requester: alice,
      prompt: '',
      sceneFile: { url: 'file:///scene.json', filename: 'scene.json', data: Buffer.from('{"objects":[]}') },
      video: { aspect: '9:16' },
    });
    expect((await waitForFinal(sut, started.id)).status).toBe('succeeded');
    // What the Scene button sends: attached back with no choices, it is still the tall scene.
    const kept = (await sut.service.get(started.id))!.input.scene;
    expect(kept).toEqual({ objects: [], shape: '9:16' });
    // The file decided everything: no seed, which would have changed nothing, is kept or shown.
    expect(started.seed).toBeUndefined();
    expect(started.input.seed).toBeUndefined();
    // A re-roll would change only the seed, so it would be the same video: refused, with why.
    const rendersBefore = renders.length;
    await expect(sut.service.reroll(started.id, alice)).rejects.toMatchObject({
      code: 'NOTHING_TO_REROLL',
      userMessage: expect.stringMatching(/scene file, which leaves nothing to chance/),
    });
    expect(renders).toHaveLength(rendersBefore);
  });

  it('stops rendering when canceled', async () => {
    let release = () => {};
    hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started = await sut.service.simulate!({ requester: alice, prompt: 'a tower of boxes' });
    await waitForEvent(sut, (e) => e.generation.id === started.id && e.type === 'progress');
    const canceled = await sut.service.cancel(started.id, { userId: alice.userId });
    expect(canceled.status).toBe('canceled');
    release();
    hold = undefined;
    expect(mediaFiles(sut).some((f) => f.startsWith(started.id))).toBe(false);
  });
});
