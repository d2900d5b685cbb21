import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreRuntime, createCoreRuntime } from '../../../src/cli/runtime.js';
import { loadConfig } from '../../../src/core/config.js';
import type { GenerationEvent } from '../../../src/core/generations/types.js';
import { silentLogger } from '../../../src/core/logger.js';

let core: CoreRuntime;
let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-sim-service-'));
  core = createCoreRuntime(loadConfig({ DATA_DIR: dataDir }), silentLogger());
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
      core.service.subscribe((event) => {
        events.push(event);
        if (event.type === 'progress' && event.log?.startsWith('Rendering'))
          sceneKeptWhileRendering ||= core.store.get(event.generation.id)?.input.scene !== undefined;
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

    const stored = core.store.get(generation.id)!;
    expect(stored).toMatchObject({ source: 'simulation', model: 'physics', seed: 7, status: 'succeeded' });
    const scene = stored.input.scene as { seed: number; objects: { shape: string }[] };
    expect(scene.seed).toBe(7);
    // Kept before the render finished, so a restart mid-render renders the same scene.
    expect(sceneKeptWhileRendering).toBe(true);
    expect(scene.objects.filter((o) => o.shape === 'sphere')).toHaveLength(3);
    const video = fs.readFileSync(path.join(dataDir, stored.media!.path));
    expect(video.subarray(4, 8).toString()).toBe('ftyp');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(
      progress.some((e) => e.type === 'progress' && /^Rendering frame \d+\/\d+$/.test(e.log ?? '')),
    ).toBe(true);
  });
});
