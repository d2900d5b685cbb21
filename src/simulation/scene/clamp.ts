import {
  materials,
  type SceneInput,
  type SceneJointInput,
  type SceneObjectInput,
  sceneLimits,
  shapes,
} from './schema.js';

/**
 * Pulls a scene written by a language model into bounds before strict validation: numbers are
 * clamped to their ranges, unknown fields dropped, objects past the limit cut, resolution made
 * even. A model that asks for a 40-second video gets a 20-second one instead of an error.
 * Values of the wrong type are dropped so the default applies; objects without a usable shape,
 * size or position are left out.
 */
export function clampSceneInput(raw: unknown): SceneInput {
  const input = record(raw);
  const scene: Record<string, unknown> = {};
  const L = sceneLimits;

  setNumber(scene, 'duration', input.duration, L.minDurationSeconds, L.maxDurationSeconds);
  if (isNumber(input.fps))
    scene.fps = L.fps.reduce((best, fps) =>
      Math.abs(fps - Number(input.fps)) < Math.abs(best - Number(input.fps)) ? fps : best,
    );
  const resolution = record(input.resolution);
  if (isNumber(resolution.width) && isNumber(resolution.height)) {
    // Scaled down, keeping its shape, until the long side and the short side both fit.
    const [w, h] = [Math.max(resolution.width, L.minSide), Math.max(resolution.height, L.minSide)];
    const scale = Math.min(1, L.maxLongSide / Math.max(w, h), L.maxShortSide / Math.min(w, h));
    scene.resolution = {
      width: evenWithin(w * scale, L.minSide, L.maxLongSide),
      height: evenWithin(h * scale, L.minSide, L.maxLongSide),
    };
  }
  if (isNumber(input.seed)) scene.seed = Math.round(clamp(input.seed, 0, 2 ** 31 - 1));
  setVec3(scene, 'gravity', input.gravity, L.maxGravity);
  setColor(scene, 'background', input.background);

  const ground = record(input.ground);
  const groundOut: Record<string, unknown> = {};
  setBoolean(groundOut, 'enabled', ground.enabled);
  setNumber(groundOut, 'size', ground.size, 1, L.maxGroundSize);
  setColor(groundOut, 'color', ground.color);
  setBoolean(groundOut, 'grid', ground.grid);
  setColor(groundOut, 'gridColor', ground.gridColor);
  setNumber(groundOut, 'friction', ground.friction, 0, 2);
  setNumber(groundOut, 'restitution', ground.restitution, 0, 1);
  scene.ground = groundOut;

  const objects = Array.isArray(input.objects) ? input.objects : [];
  scene.objects = objects
    .map(clampObject)
    .filter((o): o is SceneObjectInput => o !== undefined)
    .slice(0, L.maxObjects);

  // A repeated id is dropped from the later objects, which the schema would refuse: the first keeps it.
  const ids = new Set<string | undefined>();
  for (const o of scene.objects as SceneObjectInput[]) {
    if (o.id !== undefined && ids.has(o.id)) delete o.id;
    ids.add(o.id);
  }
  const joints = Array.isArray(input.joints) ? input.joints : [];
  scene.joints = joints
    .map(clampJoint)
    // A joint that names no kept object is dropped, like an object without a position.
    .filter(
      (j): j is SceneJointInput => j !== undefined && ids.has(j.a) && (j.b === undefined || ids.has(j.b)),
    )
    .slice(0, L.maxJoints);

  const camera = record(input.camera);
  const cameraOut: Record<string, unknown> = {};
  setVec3(cameraOut, 'position', camera.position, L.maxCoordinate);
  setVec3(cameraOut, 'lookAt', camera.lookAt, L.maxCoordinate);
  setNumber(cameraOut, 'fov', camera.fov, 10, 120);
  const orbit = record(camera.orbit);
  if (isNumber(orbit.degreesPerSecond))
    cameraOut.orbit = { degreesPerSecond: clamp(orbit.degreesPerSecond, -360, 360) };
  scene.camera = cameraOut;

  const lights = record(input.lights);
  const ambient = record(lights.ambient);
  const directional = record(lights.directional);
  const ambientOut: Record<string, unknown> = {};
  setColor(ambientOut, 'color', ambient.color);
  setNumber(ambientOut, 'intensity', ambient.intensity, 0, 2);
  const directionalOut: Record<string, unknown> = {};
  setVec3(directionalOut, 'direction', directional.direction, 1000);
  const direction = directionalOut.direction as number[] | undefined;
  if (direction && Math.hypot(...direction) < 1e-6) delete directionalOut.direction;
  setColor(directionalOut, 'color', directional.color);
  setNumber(directionalOut, 'intensity', directional.intensity, 0, 10);
  setBoolean(directionalOut, 'shadows', directional.shadows);
  scene.lights = { ambient: ambientOut, directional: directionalOut };

  return scene as SceneInput;
}

function clampObject(raw: unknown): SceneObjectInput | undefined {
  const o = record(raw);
  const L = sceneLimits;
  if (!shapes.includes(o.shape as never)) return undefined;
  const size = vec3Of(o.size);
  const position = vec3Of(o.position);
  if (!size || !position) return undefined;
  const out: Record<string, unknown> = {
    shape: o.shape,
    size: size.map((v) => clamp(Math.abs(v), L.minSize, L.maxSize)),
    position: position.map((v) => clamp(v, -L.maxCoordinate, L.maxCoordinate)),
  };
  if (typeof o.id === 'string') out.id = o.id.slice(0, 64);
  if (o.body === 'static' || o.body === 'dynamic') out.body = o.body;
  setVec3(out, 'rotation', o.rotation, 360 * 4);
  setVec3(out, 'velocity', o.velocity, L.maxSpeed);
  setVec3(out, 'angularVelocity', o.angularVelocity, L.maxAngularSpeed);
  if (materials.includes(o.material as never)) out.material = o.material;
  if (isNumber(o.mass) && o.mass > 0) out.mass = Math.min(o.mass, L.maxMass);
  if (isNumber(o.density) && o.density > 0) out.density = Math.min(o.density, L.maxDensity);
  setNumber(out, 'friction', o.friction, 0, 2);
  setNumber(out, 'restitution', o.restitution, 0, 1);
  setColor(out, 'color', o.color);
  setNumber(out, 'roughness', o.roughness, 0, 1);
  setNumber(out, 'metalness', o.metalness, 0, 1);
  return out as SceneObjectInput;
}

function clampJoint(raw: unknown): SceneJointInput | undefined {
  const j = record(raw);
  const L = sceneLimits;
  if (!['revolute', 'spherical', 'fixed', 'rope'].includes(j.kind as string) || typeof j.a !== 'string')
    return undefined;
  const out: Record<string, unknown> = { kind: j.kind, a: j.a.slice(0, 64) };
  if (typeof j.b === 'string') out.b = j.b.slice(0, 64);
  setVec3(out, 'anchorA', j.anchorA, L.maxCoordinate);
  setVec3(out, 'anchorB', j.anchorB, L.maxCoordinate);
  setVec3(out, 'axis', j.axis, 1000);
  const axis = out.axis as number[] | undefined;
  if (axis && Math.hypot(...axis) < 1e-6) delete out.axis;
  setNumber(out, 'length', j.length, L.minSize, L.maxCoordinate);
  if (out.kind === 'rope' && out.length === undefined) return undefined;
  return out as SceneJointInput;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function evenWithin(value: number, min: number, max: number): number {
  return clamp(Math.round(value / 2) * 2, min, max);
}

function vec3Of(value: unknown): [number, number, number] | undefined {
  if (!Array.isArray(value) || value.length !== 3 || !value.every(isNumber)) return undefined;
  return [value[0]!, value[1]!, value[2]!];
}

function setNumber(out: Record<string, unknown>, key: string, value: unknown, min: number, max: number) {
  if (isNumber(value)) out[key] = clamp(value, min, max);
}

function setVec3(out: Record<string, unknown>, key: string, value: unknown, limit: number) {
  const v = vec3Of(value);
  if (v) out[key] = v.map((x) => clamp(x, -limit, limit));
}

function setBoolean(out: Record<string, unknown>, key: string, value: unknown) {
  if (typeof value === 'boolean') out[key] = value;
}

function setColor(out: Record<string, unknown>, key: string, value: unknown) {
  if (typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value)) out[key] = value;
}
