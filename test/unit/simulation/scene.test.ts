import { describe, expect, it } from 'vitest';
import { clampSceneInput } from '../../../src/simulation/scene/clamp.js';
import { sceneJsonSchema } from '../../../src/simulation/scene/json-schema.js';
import { parseScene, SceneInvalidError, sceneProblems } from '../../../src/simulation/scene/validate.js';

const box = { shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0] };

function problemsOf(input: unknown): string[] {
  try {
    parseScene(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SceneInvalidError);
    expect((error as SceneInvalidError).code).toBe('SCENE_INVALID');
    return (error as SceneInvalidError).problems;
  }
  throw new Error('the scene was accepted');
}

describe('scene schema', () => {
  it('fills every default into a minimal scene', () => {
    const scene = parseScene({ objects: [box] });
    expect(scene).toMatchObject({
      duration: 3,
      fps: 30,
      resolution: { width: 1280, height: 720 },
      seed: 0,
      gravity: [0, -9.81, 0],
      ground: { enabled: true, grid: true },
      camera: { fov: 45 },
      lights: { directional: { shadows: true } },
    });
    expect(scene.objects[0]).toMatchObject({
      body: 'dynamic',
      rotation: [0, 0, 0],
      friction: 0.6,
      color: '#d0d0d0',
    });
  });

  it('names the path of a bad size', () => {
    const objects = [box, box, box, { ...box, size: [1, 0, 1] }];
    expect(problemsOf({ objects })).toEqual(['objects[3].size[1] must be > 0']);
  });

  it('lists every problem at once, each with its path', () => {
    const problems = problemsOf({
      duration: 25,
      fps: 25,
      resolution: { width: 2000, height: 721 },
      objects: [
        { ...box, shape: 'cone' },
        { ...box, position: [0, Number.POSITIVE_INFINITY, 0] },
        { ...box, colour: '#ff0000' },
        { ...box, color: 'red' },
        { ...box, size: [1, 1] },
      ],
      camera: { fov: 200 },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'duration must be <= 20',
        'fps must be 24, 30 or 60',
        'resolution.width must be <= 1920',
        'resolution.height must be even (H.264 with yuv420p needs even sides)',
        'objects[0].shape must be one of box, sphere, cylinder, capsule',
        'objects[1].position[1] must be a finite number',
        'objects[2] has unknown field "colour"',
        'objects[3].color must be a colour like #ff0000',
        'objects[4].size must be a list of 3 sizes [x, y, z] in metres',
        'camera.fov must be <= 120',
      ]),
    );
  });

  it('bounds the number of objects', () => {
    expect(problemsOf({ objects: Array.from({ length: 501 }, () => box) })).toEqual([
      'objects must have at most 500 objects',
    ]);
    expect(sceneProblems({ objects: Array.from({ length: 500 }, () => box) })).toEqual([]);
    // None at all would render a still ground as a finished video.
    expect(problemsOf({ objects: [] })).toEqual([
      'objects must have at least one object: an empty scene is no video',
    ]);
  });

  it('says what is missing', () => {
    expect(problemsOf({ objects: [{ shape: 'box' }] })).toEqual([
      'objects[0].size is required',
      'objects[0].position is required',
    ]);
    expect(problemsOf(null)).toEqual(['scene must be an object']);
  });

  it('rejects a light with no direction and sizes below the minimum', () => {
    expect(
      problemsOf({
        objects: [{ ...box, size: [0.001, 1, 1] }],
        lights: { directional: { direction: [0, 0, 0] } },
      }),
    ).toEqual(['objects[0].size[0] must be >= 0.02', 'lights.directional.direction must not be [0, 0, 0]']);
  });

  it('gives chat users a short sentence', () => {
    try {
      parseScene({ objects: [{ ...box, size: [1, -1, 1] }] });
    } catch (error) {
      expect((error as SceneInvalidError).userMessage).toBe(
        'That scene cannot be simulated: objects[0].size[1] must be > 0.',
      );
    }
  });
});

describe('clampSceneInput', () => {
  it('pulls a model answer into bounds instead of failing it', () => {
    const clamped = clampSceneInput({
      duration: 45,
      fps: 25,
      resolution: { width: 4000, height: 3001 },
      gravity: [0, -500, 0],
      extra: 'ignored',
      objects: [
        {
          shape: 'sphere',
          size: [-2, 2, 2],
          position: [0, 2000, 0],
          restitution: 3,
          color: 'blue',
          mood: 'happy',
        },
        { shape: 'teapot', size: [1, 1, 1], position: [0, 1, 0] },
        { shape: 'box', position: [0, 1, 0] },
      ],
      camera: { fov: 300, orbit: { degreesPerSecond: 1000 } },
      lights: { directional: { direction: [0, 0, 0] } },
    });
    const scene = parseScene(clamped);
    expect(scene.duration).toBe(20);
    expect(scene.fps).toBe(24);
    // Its 4:3 shape kept, scaled until the short side is 1080.
    expect(scene.resolution).toEqual({ width: 1440, height: 1080 });
    expect(scene.gravity).toEqual([0, -100, 0]);
    expect(scene.objects).toHaveLength(1);
    expect(scene.objects[0]).toMatchObject({
      size: [2, 2, 2],
      position: [0, 1000, 0],
      restitution: 1,
      color: '#d0d0d0',
    });
    expect(scene.camera.fov).toBe(120);
    expect(scene.camera.orbit).toEqual({ degreesPerSecond: 360 });
    expect(scene.lights.directional.direction).toEqual([0.6, -1.3, -0.75]);
  });

  it('keeps at most 500 objects', () => {
    const objects = Array.from({ length: 700 }, () => box);
    expect(parseScene(clampSceneInput({ objects })).objects).toHaveLength(500);
  });
});

describe('sceneJsonSchema', () => {
  it('is made from the zod schema, with tuples as plain arrays', () => {
    const schema = sceneJsonSchema() as {
      properties: Record<string, { items?: { properties?: Record<string, unknown> } }>;
    };
    const object = schema.properties.objects!.items!.properties!;
    expect(object.size).toMatchObject({ type: 'array', minItems: 3, maxItems: 3, items: { type: 'number' } });
    expect(JSON.stringify(schema)).not.toContain('prefixItems');
    expect(JSON.stringify(schema)).not.toContain('$schema');
  });
});
