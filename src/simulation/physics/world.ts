import { setFlagsFromString } from 'node:v8';
import RAPIER from '@dimforge/rapier3d-compat';
import type { Scene, SceneJoint, SceneObject, Vec3 } from '../scene/schema.js';

let ready: Promise<void> | undefined;

/** Loads Rapier's WebAssembly once per process (or thread). */
export function initPhysics(): Promise<void> {
  // Rapier is a large WebAssembly module. V8 re-compiling its hot functions with TurboFan costs more
  // CPU than a simulation of seconds gains from them (measured: 1.36 s of CPU against 0.69 s for 100
  // bodies over 90 frames), CPU the renderer needs. The flag is process-wide and only affects
  // WebAssembly compiled from now on.
  setFlagsFromString('--liftoff-only');
  ready ??= RAPIER.init();
  return ready;
}

/** A unit quaternion `[x, y, z, w]`. */
export type Quat = [number, number, number, number];

/** Euler angles in degrees, turned about x, then y, then z (fixed axes), as a quaternion. */
export function quaternionFromEuler([xDeg, yDeg, zDeg]: Vec3): Quat {
  const [x, y, z] = [xDeg, yDeg, zDeg].map((d) => (d * Math.PI) / 360) as Vec3;
  const [cx, sx, cy, sy, cz, sz] = [
    Math.cos(x),
    Math.sin(x),
    Math.cos(y),
    Math.sin(y),
    Math.cos(z),
    Math.sin(z),
  ];
  // q = qz * qy * qx
  return [
    sx * cy * cz - cx * sy * sz,
    cx * sy * cz + sx * cy * sz,
    cx * cy * sz - sx * sy * cz,
    cx * cy * cz + sx * sy * sz,
  ];
}

/**
 * Whether a body can move more than about half its thickness in one sub-step, and so pass through
 * something thin between two of them: then it gets continuous collision detection, which costs
 * about as much again as the rest of the step; the others do without.
 */
function needsCcd(o: SceneObject, scene: Scene, dt: number): boolean {
  const gravity = Math.hypot(...scene.gravity);
  const height = Math.max(0, o.position[1]) + 10;
  const fastest = Math.hypot(...o.velocity) + Math.sqrt(2 * gravity * height);
  return fastest * dt > Math.min(...o.size) * 0.4;
}

function colliderOf(o: SceneObject): RAPIER.ColliderDesc {
  const [sx, sy, sz] = o.size;
  switch (o.shape) {
    case 'box':
      return RAPIER.ColliderDesc.cuboid(sx / 2, sy / 2, sz / 2);
    case 'sphere':
      return RAPIER.ColliderDesc.ball(sx / 2);
    case 'cylinder':
      return RAPIER.ColliderDesc.cylinder(sy / 2, sx / 2);
    case 'capsule':
      // `size[1]` is the whole height, caps included.
      return RAPIER.ColliderDesc.capsule(Math.max(0, sy - sx) / 2, sx / 2);
  }
}

const vector = ([x, y, z]: Vec3) => ({ x, y, z });

/** `a * b` for unit quaternions `[x, y, z, w]`. */
function multiply([ax, ay, az, aw]: Quat, [bx, by, bz, bw]: Quat): Quat {
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

const rotation = ([x, y, z, w]: Quat) => ({ x, y, z, w });

/**
 * Rapier's description of one joint of the scene. `turn` is how the first body is turned relative
 * to the second as placed: a fixed joint welds them that way, not squared up to each other.
 */
function jointData(joint: SceneJoint, turn: Quat): RAPIER.JointData {
  const [a, b] = [vector(joint.anchorA), vector(joint.anchorB)];
  switch (joint.kind) {
    case 'revolute': {
      const [x, y, z] = joint.axis;
      const length = Math.hypot(x, y, z);
      return RAPIER.JointData.revolute(a, b, { x: x / length, y: y / length, z: z / length });
    }
    case 'spherical':
      return RAPIER.JointData.spherical(a, b);
    case 'fixed':
      return RAPIER.JointData.fixed(a, rotation([0, 0, 0, 1]), b, rotation(turn));
    case 'rope':
      return RAPIER.JointData.rope(joint.length!, a, b);
  }
}

/**
 * Joins the bodies the scene's joints name (validation made each id name exactly one object). A
 * joint to the world holds to one fixed body at the origin, so its anchor is a world point.
 */
function addJoints(world: RAPIER.World, scene: Scene, bodies: readonly RAPIER.RigidBody[]): void {
  if (scene.joints.length === 0) return;
  const byId = new Map<string, { body: RAPIER.RigidBody; turn: Quat }>();
  scene.objects.forEach((o, i) => {
    if (o.id !== undefined) byId.set(o.id, { body: bodies[i]!, turn: quaternionFromEuler(o.rotation) });
  });
  const needsAnchor = scene.joints.some((joint) => joint.b === undefined);
  const anchor = needsAnchor ? world.createRigidBody(RAPIER.RigidBodyDesc.fixed()) : undefined;
  for (const joint of scene.joints) {
    const first = byId.get(joint.a)!;
    const second = joint.b === undefined ? undefined : byId.get(joint.b)!;
    // The turn of the first body seen from the second: second⁻¹ · first (the world is unturned).
    const [x, y, z, w] = second?.turn ?? [0, 0, 0, 1];
    const turn = multiply([-x, -y, -z, w], first.turn);
    const created = world.createImpulseJoint(
      jointData(joint, turn),
      first.body,
      second?.body ?? anchor!,
      true,
    );
    // Joined bodies pass through each other where they meet, as chain links and hinges do; left
    // touching, they would push apart at the joint and shake.
    created.setContactsEnabled(false);
  }
}

/** A Rapier world built from a scene, stepped in fixed sub-steps. Free it with `dispose`. */
export interface PhysicsWorld {
  readonly bodies: readonly RAPIER.RigidBody[];
  /** Advances the world by one sub-step of `dt` seconds. */
  step(): void;
  readonly dt: number;
  dispose(): void;
}

/**
 * Builds the world of `scene`. Bodies are created in scene order, the order Rapier's determinism
 * depends on. The sub-step is the frame time split into equal parts of at most 1/120 s.
 */
export function createPhysicsWorld(scene: Scene): PhysicsWorld & { substeps: number } {
  const substeps = Math.ceil(120 / scene.fps);
  const dt = 1 / (scene.fps * substeps);
  const world = new RAPIER.World({ x: scene.gravity[0], y: scene.gravity[1], z: scene.gravity[2] });
  world.timestep = dt;

  if (scene.ground.enabled) {
    const half = scene.ground.size / 2;
    const ground = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(0, -0.5, 0));
    world.createCollider(
      RAPIER.ColliderDesc.cuboid(half, 0.5, half)
        .setFriction(scene.ground.friction)
        .setRestitution(scene.ground.restitution),
      ground,
    );
  }

  const bodies = scene.objects.map((o) => {
    const [qx, qy, qz, qw] = quaternionFromEuler(o.rotation);
    const desc = (o.body === 'static' ? RAPIER.RigidBodyDesc.fixed() : RAPIER.RigidBodyDesc.dynamic())
      .setTranslation(...o.position)
      .setRotation({ x: qx, y: qy, z: qz, w: qw });
    if (o.body === 'dynamic') {
      desc
        .setLinvel(...o.velocity)
        .setAngvel({ x: o.angularVelocity[0], y: o.angularVelocity[1], z: o.angularVelocity[2] })
        .setCcdEnabled(needsCcd(o, scene, dt));
    }
    const body = world.createRigidBody(desc);
    const collider = colliderOf(o)
      .setFriction(o.friction)
      .setRestitution(o.restitution)
      // A bouncy ball bounces on any floor: the livelier of the two surfaces decides.
      .setRestitutionCombineRule(RAPIER.CoefficientCombineRule.Max);
    if (o.mass !== undefined) collider.setMass(o.mass);
    else collider.setDensity(o.density);
    world.createCollider(collider, body);
    return body;
  });

  addJoints(world, scene, bodies);

  return {
    bodies,
    dt,
    substeps,
    step: () => world.step(),
    dispose: () => world.free(),
  };
}
