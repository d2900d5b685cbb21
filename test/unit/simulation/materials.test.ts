import { describe, expect, it } from 'vitest';
import { interpretBuiltin, readingOf } from '../../../src/simulation/interpreter/builtin/index.js';
import { clampSceneInput } from '../../../src/simulation/scene/clamp.js';
import { materials, materialTable } from '../../../src/simulation/scene/materials.js';
import { parseScene, sceneProblems } from '../../../src/simulation/scene/validate.js';

const box = {
  shape: 'box' as const,
  size: [1, 1, 1] as [number, number, number],
  position: [0, 0.5, 0] as [number, number, number],
};

describe('material table', () => {
  it('gives each material the feel people expect', () => {
    const t = materialTable;
    expect(t.rubber.restitution).toBeGreaterThan(
      Math.max(t.metal.restitution, t.wood.restitution, t.ice.restitution),
    );
    expect(t.ice.friction).toBeLessThan(0.1);
    expect(t.ice.friction).toBeLessThan(
      Math.min(t.rubber.friction, t.wood.friction, t.metal.friction, t.glass.friction),
    );
    expect(t.metal.density).toBeGreaterThan(t.glass.density);
    expect(t.glass.density).toBeGreaterThan(t.wood.density);
    // How they look: metal is smooth and metallic with a strong highlight, rubber matte and dull.
    expect(t.metal.metalness).toBeGreaterThan(0.5);
    expect(t.metal.roughness).toBeLessThan(t.wood.roughness);
    expect(t.rubber.roughness).toBeGreaterThan(0.8);
    expect(t.metal.specular).toBeGreaterThan(t.rubber.specular * 3);
    // Only glass is see-through.
    for (const m of materials) expect(t[m].opacity < 1).toBe(m === 'glass');
  });

  it('fills a body in from its material, while what the scene gives wins', () => {
    const [glass, rubber, plain] = parseScene({
      objects: [
        { ...box, material: 'glass' },
        { ...box, material: 'rubber', restitution: 0.1, color: '#ff0000' },
        box,
      ],
    }).objects;
    expect(glass).toMatchObject({
      material: 'glass',
      density: 2500,
      friction: materialTable.glass.friction,
      roughness: materialTable.glass.roughness,
      color: materialTable.glass.color,
    });
    expect(rubber).toMatchObject({
      restitution: 0.1,
      color: '#ff0000',
      friction: materialTable.rubber.friction,
    });
    expect(plain).toMatchObject({
      density: 1000,
      friction: 0.6,
      restitution: 0.2,
      roughness: 0.5,
      metalness: 0,
    });
    expect(plain!.material).toBeUndefined();
  });

  it('names the path of a material it does not know, and a model scene keeps only known ones', () => {
    expect(sceneProblems({ objects: [{ ...box, material: 'gold' }] })).toEqual([
      'objects[0].material must be one of metal, rubber, wood, ice, glass',
    ]);
    const clamped = clampSceneInput({
      objects: [
        { ...box, material: 'ice' },
        { ...box, material: 'gold' },
      ],
    });
    expect(clamped.objects.map((o) => o.material)).toEqual(['ice', undefined]);
  });
});

describe('built-in interpreter reading materials', () => {
  const materialsOf = (prompt: string, shape: string) =>
    new Set(
      interpretBuiltin(prompt)
        .objects.filter((o) => o.shape === shape && o.body === 'dynamic')
        .map((o) => o.material),
    );

  it.each([
    ['a steel ball falls onto a pyramid of crates', 'metal'],
    ['a metal ball falls onto a pyramid of crates', 'metal'],
    ['an iron ball falls onto a pyramid of crates', 'metal'],
    ['a rubber ball falls onto a pyramid of crates', 'rubber'],
    ['a wooden ball falls onto a pyramid of crates', 'wood'],
    ['an ice ball falls onto a pyramid of crates', 'ice'],
    ['an icy ball falls onto a pyramid of crates', 'ice'],
    ['a glass ball falls onto a pyramid of crates', 'glass'],
  ])('reads "%s" as a %s ball', (prompt, material) => {
    expect(materialsOf(prompt, 'sphere')).toEqual(new Set([material]));
    // The crates were given no material.
    expect(materialsOf(prompt, 'box')).toEqual(new Set([undefined]));
  });

  it('reads materials of a one-layout sentence too, and says so', () => {
    expect(materialsOf('20 bouncy rubber balls', 'sphere')).toEqual(new Set(['rubber']));
    expect(materialsOf('a tower of wooden blocks', 'box')).toEqual(new Set(['wood']));
    expect(materialsOf('ten glass cubes falling', 'box')).toEqual(new Set(['glass']));
    expect(readingOf('a glass ball falls onto a pyramid of wooden crates')).toContain('glass ball');
  });

  it('makes the box that balls drop into glass when the sentence says so', () => {
    const scene = interpretBuiltin('three red balls and two green cylinders drop into a glass box');
    const panels = scene.objects.filter((o) => o.body === 'static');
    expect(panels.length).toBeGreaterThanOrEqual(5);
    expect(new Set(panels.map((o) => o.material))).toEqual(new Set(['glass']));
  });
});
