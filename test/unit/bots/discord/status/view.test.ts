import { describe, expect, it } from 'vitest';
import { resultRows } from '../../../../../src/bots/discord/status/view.js';
import type { GalleryLinks } from '../../../../../src/core/chat/gallery-links.js';
import type { Generation } from '../../../../../src/core/generations/types.js';

const links: GalleryLinks = {
  place: () => 'https://x.test/',
  generation: ({ id }) => `https://x.test/g/${id}`,
  download: ({ id }) => `https://x.test/media/${id}?download=1`,
};

const simulation: Generation = {
  id: 'g_1',
  source: 'simulation',
  requester: { platform: 'discord', userId: 'u1', channelId: 'c1' },
  model: 'physics',
  prompt: 'a ball falls',
  input: { prompt: 'a ball falls', seed: 7, scene: { objects: [] } },
  seed: 7,
  status: 'succeeded',
  createdAt: 1_000,
  updatedAt: 2_000,
  completedAt: 2_000,
};

const labels = (generation: Generation) =>
  resultRows(generation, links).flatMap((row) =>
    row.components.map((component) => ('label' in component ? component.label : undefined)),
  );

describe('the buttons under a finished Discord video', () => {
  it('offers Re-roll for a sentence, whose seed picks the reading, and not for a scene file, which leaves nothing to chance', () => {
    expect(labels(simulation)).toEqual(['Re-roll', 'Parameters', 'Scene', 'Delete', 'Open in gallery']);
    const fromFile: Generation = {
      ...simulation,
      prompt: 'the scene in tower.json',
      input: { prompt: 'the scene in tower.json', scene: { objects: [] }, sceneFile: 'tower.json' },
      seed: undefined,
    };
    expect(labels(fromFile)).toEqual(['Parameters', 'Scene', 'Delete', 'Open in gallery']);
    // Failed or canceled, the same: rendering it again would fail or look the same.
    expect(labels({ ...fromFile, status: 'failed' })).not.toContain('Re-roll');
    // A re-roll of a scene file made before the rule kept the scene without its file's name or a seed.
    const { sceneFile: _, ...rerolled } = fromFile.input;
    expect(labels({ ...fromFile, input: rerolled })).not.toContain('Re-roll');
  });
});
