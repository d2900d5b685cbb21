import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreRuntime, createCoreRuntime } from '../../../src/cli/runtime.js';
import { loadConfig } from '../../../src/core/config.js';
import { describeGeneration } from '../../../src/core/generations/status-text.js';
import type { GenerationEvent } from '../../../src/core/generations/types.js';
import { silentLogger } from '../../../src/core/logger.js';

let core: CoreRuntime;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-sim-service-'));
  core = await createCoreRuntime(loadConfig({ DATA_DIR: dataDir }), silentLogger());
});
afterAll(async () => {
  await core.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('simulations through the generation service (what /simulate uses)', () => {
  it('interprets the prompt offline, renders it, keeps the video and the scene it became', async () => {
    const events: GenerationEvent[] = [];
    let sceneKeptWhileRendering = false;
    const done = new Promise<GenerationEvent>((resolve) => {
      core.service.subscribe(async (event) => {
        events.push(event);
        if (event.type === 'progress' && event.log?.startsWith('Rendering'))
          sceneKeptWhileRendering ||= (await core.store.get(event.generation.id))?.input.scene !== undefined;
        if (event.type === 'succeeded' || event.type === 'failed') resolve(event);
      });
    });
    const generation = await core.service.simulate!({
      requester: { platform: 'discord', userId: 'u1', userName: 'Ada' },
      prompt: 'three green balls bouncing',
      seed: 7,
    });
    const outcome = await done;
    expect(outcome.type, outcome.type === 'failed' ? outcome.reason : '').toBe('succeeded');

    const stored = (await core.store.get(generation.id))!;
    expect(stored).toMatchObject({ source: 'simulation', model: 'physics', seed: 7, status: 'succeeded' });
    const scene = stored.input.scene as { seed: number; objects: { shape: string }[] };
    expect(scene.seed).toBe(7);
    // Kept before the render finished, so a restart mid-render renders the same scene.
    expect(sceneKeptWhileRendering).toBe(true);
    expect(scene.objects.filter((o) => o.shape === 'sphere')).toHaveLength(3);
    // The chat message says how the sentence was read, as `reelbot simulate` prints it.
    expect(stored.input.reading).toBe('3 green balls');
    expect(describeGeneration(stored).details).toContain('Read as: 3 green balls');
    // What it cost this machine: the render worker's CPU and ffmpeg's, shown as CPU seconds.
    expect(stored.metrics?.cpuTime).toBeGreaterThan(0);
    expect(outcome.type === 'succeeded' && outcome.generation.metrics?.cpuTime).toBe(stored.metrics?.cpuTime);
    const video = fs.readFileSync(path.join(dataDir, stored.media!.path));
    expect(video.subarray(4, 8).toString()).toBe('ftyp');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(
      progress.some((e) => e.type === 'progress' && /^Rendering frame \d+\/\d+$/.test(e.log ?? '')),
    ).toBe(true);
  });
});

describe('simulations under reelbot start (one warm render worker)', () => {
  it('runs two at once one after the other, and the second says it is waiting', async () => {
    const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-sim-warm-'));
    const warm = await createCoreRuntime(loadConfig({ DATA_DIR: warmDir }), silentLogger(), {
      renderWorker: 'eager',
    });
    try {
      const logs = new Map<string, string[]>();
      const finished = new Map<string, GenerationEvent>();
      let allDone: () => void = () => {};
      const done = new Promise<void>((resolve) => (allDone = resolve));
      warm.service.subscribe((event) => {
        const id = event.generation.id;
        if (event.type === 'progress' && event.log) logs.set(id, [...(logs.get(id) ?? []), event.log]);
        if (event.type === 'succeeded' || event.type === 'failed') {
          finished.set(id, event);
          if (finished.size === 2) allDone();
        }
      });
      const requester = { platform: 'slack' as const, userId: 'u2', userName: 'Grace' };
      const waiting = 'Waiting for 1 other simulation to finish';
      const first = await warm.service.simulate!({ requester, prompt: 'a stack of 5 boxes', seed: 1 });
      const second = await warm.service.simulate!({ requester, prompt: 'two red balls bouncing', seed: 2 });
      await done;
      expect([...finished.values()].map((e) => e.type)).toEqual(['succeeded', 'succeeded']);
      // Whichever reached the renderer second waited, and said so before anything else.
      const waited = [first, second].filter((g) => logs.get(g.id)?.includes(waiting));
      expect(waited).toHaveLength(1);
      expect(logs.get(waited[0]!.id)?.[0]).toBe(waiting);
    } finally {
      await warm.close();
      fs.rmSync(warmDir, { recursive: true, force: true });
    }
  });
});
