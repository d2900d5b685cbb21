import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulationError } from '../../../../src/core/errors.js';
import { recordSimulation } from '../../../../src/core/simulation/record.js';
import { parseScene } from '../../../../src/core/simulation/scene/validate.js';
import { createGenerationStore, openDatabase } from '../../../../src/core/store/index.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'reelbot-record-'));
});
afterAll(() => fs.promises.rm(dir, { recursive: true, force: true }));

const scene = parseScene({ objects: [{ shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0] }], seed: 4 });

describe('recordSimulation', () => {
  it('marks the generation failed, with the code and the sentence for users, when rendering fails', async () => {
    const store = createGenerationStore(openDatabase(':memory:'));
    const seen: string[] = [];
    const failure = recordSimulation(
      { scene, prompt: 'a box', requester: { platform: 'discord', userId: 'u1', channelId: 'c1' } },
      {
        store,
        dataDir: dir,
        clock: () => 1000,
        onCreated: (g) => seen.push(`${g.id}:${g.status}`),
        render: async () => {
          throw new SimulationError('RENDER_XVFB_MISSING', 'Xvfb was not found. Install Xvfb', {
            userMessage: 'The physics renderer is not set up on this server.',
          });
        },
      },
    );
    await expect(failure).rejects.toMatchObject({ code: 'RENDER_XVFB_MISSING' });
    const [generation] = store.list().items;
    expect(seen).toEqual([`${generation!.id}:processing`]);
    expect(generation).toMatchObject({
      source: 'simulation',
      model: 'physics',
      status: 'failed',
      errorCode: 'RENDER_XVFB_MISSING',
      error: 'The physics renderer is not set up on this server.',
      seed: 4,
      startedAt: 1000,
      completedAt: 1000,
      requester: { platform: 'discord', userId: 'u1', channelId: 'c1' },
    });
    expect(generation!.media).toBeUndefined();
  });

  it('marks a canceled simulation canceled', async () => {
    const store = createGenerationStore(openDatabase(':memory:'));
    const failure = recordSimulation(
      { scene, requester: { platform: 'cli', userId: 'me' } },
      {
        store,
        dataDir: dir,
        render: async () => {
          throw new SimulationError('SIMULATION_CANCELED', 'The simulation was canceled');
        },
      },
    );
    await expect(failure).rejects.toThrow('canceled');
    expect(store.list().items[0]).toMatchObject({ status: 'canceled', errorCode: 'SIMULATION_CANCELED' });
  });
});
