import { describe, expect, it } from 'vitest';
import { interpretBuiltin } from '../../../src/simulation/interpreter/builtin/index.js';
import { editableScene } from '../../../src/simulation/scene/editable.js';
import { materialTable } from '../../../src/simulation/scene/materials.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';

describe('the scene as the Scene button sends it', () => {
  const scene = interpretBuiltin('a heavy steel ball falls onto a pyramid of wooden crates', 3);

  it('reads back as the same scene', () => {
    const sent = JSON.parse(JSON.stringify(editableScene(scene)));
    expect(JSON.stringify(parseScene(sent))).toBe(
      JSON.stringify(parseScene(JSON.parse(JSON.stringify(scene)))),
    );
  });

  it('lets a changed material change how the body moves and looks', () => {
    const sent = JSON.parse(JSON.stringify(editableScene(scene))) as { objects: Record<string, unknown>[] };
    const ball = sent.objects.find((o) => o.material === 'metal')!;
    expect(ball).toBeDefined();
    ball.material = 'rubber';
    const edited = parseScene(sent).objects.find((o) => o.material === 'rubber')!;
    const rubber = materialTable.rubber;
    expect(edited).toMatchObject({
      density: rubber.density,
      roughness: rubber.roughness,
      metalness: rubber.metalness,
      friction: rubber.friction,
    });
  });

  it('keeps what differs from the material, and everything of a body without one', () => {
    const plain = parseScene({
      objects: [
        { shape: 'box', size: [1, 1, 1], position: [0, 1, 0], material: 'wood', restitution: 0.9 },
        { shape: 'box', size: [1, 1, 1], position: [2, 1, 0], friction: 0.6 },
      ],
    });
    const [wood, bare] = (editableScene(plain) as { objects: Record<string, unknown>[] }).objects;
    expect(wood).toMatchObject({ material: 'wood', restitution: 0.9 });
    expect(wood).not.toHaveProperty('density');
    expect(wood).not.toHaveProperty('color');
    expect(bare).toMatchObject({ friction: 0.6, density: 1000, color: '#d0d0d0' });
  });
});
