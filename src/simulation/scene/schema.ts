import { z } from 'zod';
import { materialOf, materials } from './materials.js';
import { shapes } from './shapes.js';

/**
 * Bounds of a scene. They keep one simulation within what two CPU cores render in seconds, and
 * keep numbers where the physics engine stays stable.
 */
export const sceneLimits = {
  maxObjects: 500,
  /** The shortest length a scene is pulled up to when its writer (a model, a sentence) said less: a few frames. */
  minDurationSeconds: 0.1,
  maxDurationSeconds: 20,
  fps: [24, 30, 60] as const,
  /** The long side of the frame, either way round: 1920x1080 wide or 1080x1920 tall. */
  maxLongSide: 1920,
  maxShortSide: 1080,
  minSide: 16,
  /** Smallest and largest extent of an object, in metres. */
  minSize: 0.02,
  maxSize: 100,
  /** Every coordinate stays within this distance of the origin, in metres. */
  maxCoordinate: 1000,
  maxSpeed: 200,
  maxAngularSpeed: 100,
  maxGravity: 100,
  maxMass: 100_000,
  maxDensity: 100_000,
  maxGroundSize: 1000,
  maxJoints: 500,
} as const;

const finite = () => z.number({ error: 'must be a finite number' });

const between = (min: number, max: number) =>
  finite().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);

const positive = (max: number) => finite().gt(0, 'must be > 0').max(max, `must be <= ${max}`);

const vec3 = (limit: number) =>
  z.tuple([between(-limit, limit), between(-limit, limit), between(-limit, limit)], {
    error: 'must be a list of 3 numbers [x, y, z]',
  });

const color = z
  .string({ error: 'must be a colour like #ff0000' })
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #ff0000')
  .transform((value) => value.toLowerCase());

export { type Material, materials } from './materials.js';
export { type Shape, shapes } from './shapes.js';

const size = z.tuple(
  [
    positive(sceneLimits.maxSize).min(sceneLimits.minSize, `must be >= ${sceneLimits.minSize}`),
    positive(sceneLimits.maxSize).min(sceneLimits.minSize, `must be >= ${sceneLimits.minSize}`),
    positive(sceneLimits.maxSize).min(sceneLimits.minSize, `must be >= ${sceneLimits.minSize}`),
  ],
  { error: 'must be a list of 3 sizes [x, y, z] in metres' },
);

/**
 * One body. `size` is the full extent along x, y, z in metres: a box's edges; a sphere's diameter
 * (x); a cylinder's or capsule's diameter (x) and total height (y). Rotation is in degrees, applied
 * in x, y, z order. A `material` fills in the friction, restitution, density, colour, roughness and
 * metalness that are not given (see materials.ts); glass is also drawn see-through.
 */
export const sceneObjectSchema = z
  .strictObject({
    id: z.string().max(64, 'must be at most 64 characters').optional(),
    shape: z.enum(shapes, { error: `must be one of ${shapes.join(', ')}` }),
    body: z.enum(['dynamic', 'static'], { error: 'must be dynamic or static' }).default('dynamic'),
    size,
    position: vec3(sceneLimits.maxCoordinate),
    rotation: vec3(360 * 4).default([0, 0, 0]),
    velocity: vec3(sceneLimits.maxSpeed).default([0, 0, 0]),
    /** Radians per second around x, y, z. */
    angularVelocity: vec3(sceneLimits.maxAngularSpeed).default([0, 0, 0]),
    material: z.enum(materials, { error: `must be one of ${materials.join(', ')}` }).optional(),
    /** Kilograms; when given it wins over `density`. */
    mass: positive(sceneLimits.maxMass).optional(),
    /** Kilograms per cubic metre; by default the material's, else 1000. */
    density: positive(sceneLimits.maxDensity).optional(),
    /** By default the material's, else 0.6. */
    friction: between(0, 2).optional(),
    /** By default the material's, else 0.2. */
    restitution: between(0, 1).optional(),
    color: color.optional(),
    roughness: between(0, 1).optional(),
    metalness: between(0, 1).optional(),
  })
  // Defaults come after parsing because they depend on the material; what was given always wins.
  .transform((o) => {
    const m = materialOf(o.material);
    return {
      ...o,
      density: o.density ?? m.density,
      friction: o.friction ?? m.friction,
      restitution: o.restitution ?? m.restitution,
      color: o.color ?? m.color,
      roughness: o.roughness ?? m.roughness,
      metalness: o.metalness ?? m.metalness,
    };
  });

const jointKinds = ['revolute', 'spherical', 'fixed', 'rope'] as const;

/**
 * Holds two bodies together, or one body to a point of the world. Anchors are where the joint
 * grips each body, in that body's own frame (before its rotation); for the world, a world point.
 * A `revolute` joint turns about `axis` (a hinge, a seesaw's pivot; the same axis in each body's
 * own frame), a `spherical` one turns every way (a chain link, a pendulum), a `fixed` one welds the
 * two as they are placed, and a `rope` lets the anchors come closer but never further apart than
 * `length`. Joined bodies do not collide with each other.
 */
export const jointSchema = z.strictObject({
  kind: z.enum(jointKinds, { error: `must be one of ${jointKinds.join(', ')}` }),
  /** The `id` of the first body. */
  a: z.string({ error: 'must be the id of an object' }).max(64, 'must be at most 64 characters'),
  /** The `id` of the second body; absent: the world. */
  b: z.string({ error: 'must be the id of an object' }).max(64, 'must be at most 64 characters').optional(),
  anchorA: vec3(sceneLimits.maxCoordinate).default([0, 0, 0]),
  anchorB: vec3(sceneLimits.maxCoordinate).default([0, 0, 0]),
  /** The hinge axis of a revolute joint, in both bodies' frames. */
  axis: vec3(1000)
    .default([0, 0, 1])
    .refine(([x, y, z]) => Math.hypot(x, y, z) > 1e-6, 'must not be [0, 0, 0]'),
  /** A rope's longest reach, in metres. */
  length: positive(sceneLimits.maxCoordinate).optional(),
});

const cameraSchema = z.strictObject({
  position: vec3(sceneLimits.maxCoordinate).default([8, 6, 12]),
  lookAt: vec3(sceneLimits.maxCoordinate).default([0, 1, 0]),
  /** Vertical field of view, in degrees. */
  fov: between(10, 120).default(45),
  /** Turns the camera around `lookAt` (about the y axis) while the video plays. */
  orbit: z.strictObject({ degreesPerSecond: between(-360, 360) }).optional(),
});

const lightsSchema = z.strictObject({
  ambient: z
    .strictObject({ color: color.default('#ffffff'), intensity: between(0, 2).default(0.35) })
    .default({ color: '#ffffff', intensity: 0.35 }),
  directional: z
    .strictObject({
      /** The direction the light travels, from the sun towards the scene. */
      direction: vec3(1000)
        .default([0.6, -1.3, -0.75])
        .refine(([x, y, z]) => Math.hypot(x, y, z) > 1e-6, 'must not be [0, 0, 0]'),
      color: color.default('#ffffff'),
      intensity: between(0, 10).default(1),
      shadows: z.boolean({ error: 'must be true or false' }).default(true),
    })
    .default({ direction: [0.6, -1.3, -0.75], color: '#ffffff', intensity: 1, shadows: true }),
});

const groundSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  /** Edge of the square ground, in metres. */
  size: positive(sceneLimits.maxGroundSize).default(60),
  color: color.default('#8a8f98'),
  grid: z.boolean({ error: 'must be true or false' }).default(true),
  gridColor: color.default('#5d626b'),
  friction: between(0, 2).default(0.7),
  restitution: between(0, 1).default(0.1),
});

const even = (value: number) => value % 2 === 0;

const resolutionSchema = z
  .strictObject({
    width: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(sceneLimits.minSide, `must be >= ${sceneLimits.minSide}`)
      .max(sceneLimits.maxLongSide, `must be <= ${sceneLimits.maxLongSide}`)
      .refine(even, 'must be even (H.264 with yuv420p needs even sides)'),
    height: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(sceneLimits.minSide, `must be >= ${sceneLimits.minSide}`)
      .max(sceneLimits.maxLongSide, `must be <= ${sceneLimits.maxLongSide}`)
      .refine(even, 'must be even (H.264 with yuv420p needs even sides)'),
  })
  // Tall video is as welcome as wide; what is bounded is the pixels, so one side stays within 1080.
  .refine(({ width, height }) => Math.min(width, height) <= sceneLimits.maxShortSide, {
    message: `must be at most ${sceneLimits.maxLongSide}x${sceneLimits.maxShortSide} or ${sceneLimits.maxShortSide}x${sceneLimits.maxLongSide}`,
  });

/** A whole simulation: what is in it, how it is lit and filmed, and for how long. */
export const sceneSchema = z
  .strictObject({
    /** Seconds of video. */
    duration: positive(sceneLimits.maxDurationSeconds).default(3),
    fps: z.literal(sceneLimits.fps, { error: 'must be 24, 30 or 60' }).default(30),
    resolution: resolutionSchema.default({ width: 1280, height: 720 }),
    seed: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must be >= 0')
      .max(2 ** 31 - 1, `must be <= ${2 ** 31 - 1}`)
      .default(0),
    gravity: vec3(sceneLimits.maxGravity).default([0, -9.81, 0]),
    background: color.default('#c9d6e3'),
    ground: groundSchema.default(groundSchema.parse({})),
    objects: z
      .array(sceneObjectSchema, { error: 'must be a list of objects' })
      .max(sceneLimits.maxObjects, `must have at most ${sceneLimits.maxObjects} objects`),
    joints: z
      .array(jointSchema, { error: 'must be a list of joints' })
      .max(sceneLimits.maxJoints, `must have at most ${sceneLimits.maxJoints} joints`)
      .default([]),
    camera: cameraSchema.default(cameraSchema.parse({})),
    lights: lightsSchema.default(lightsSchema.parse({})),
  })
  .superRefine((scene, context) => {
    // Nothing in it would move or be seen: a still picture of the ground, shown as a finished video.
    // (A sentence that names none is raised to one body; a file or a model's answer is refused.)
    if (scene.objects.length === 0)
      context.addIssue({
        code: 'custom',
        path: ['objects'],
        message: 'must have at least one object: an empty scene is no video',
      });
    // An id names one object: a joint naming a repeated id could hold either, so repeats are refused.
    const owners = new Map<string, number>();
    scene.objects.forEach((o, i) => {
      if (o.id === undefined) return;
      const first = owners.get(o.id);
      if (first === undefined) owners.set(o.id, i);
      else
        context.addIssue({
          code: 'custom',
          path: ['objects', i, 'id'],
          message: `has "${o.id}", which objects[${first}] has already: each id must be unique`,
        });
    });
    scene.joints.forEach((joint, i) => {
      for (const end of ['a', 'b'] as const) {
        const id = joint[end];
        if (id === undefined) continue;
        if (!owners.has(id))
          context.addIssue({
            code: 'custom',
            path: ['joints', i, end],
            message: `has "${id}", which no object has as its id`,
          });
      }
      if (joint.a === joint.b)
        context.addIssue({
          code: 'custom',
          path: ['joints', i, 'b'],
          message: 'must name another object than a',
        });
      if (joint.kind === 'rope' && joint.length === undefined)
        context.addIssue({
          code: 'custom',
          path: ['joints', i, 'length'],
          message: 'must be set for a rope',
        });
    });
  });

/** A scene with every default filled in: what the physics and the renderer consume. */
export type Scene = z.output<typeof sceneSchema>;
/** A scene as a person or a model writes it: most fields may be left out. */
export type SceneInput = z.input<typeof sceneSchema>;
export type SceneObject = Scene['objects'][number];
export type SceneObjectInput = z.input<typeof sceneObjectSchema>;
export type SceneJoint = Scene['joints'][number];
export type SceneJointInput = z.input<typeof jointSchema>;
export type Vec3 = [number, number, number];
