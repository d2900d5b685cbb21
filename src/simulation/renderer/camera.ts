import type { Scene, Vec3 } from '../scene/schema.js';
import { lookAt, type Mat4, multiply, perspective } from './math.js';

/** The camera of one frame: where it stands and what it projects, with fog distances for the ground. */
export interface CameraView {
  position: Vec3;
  viewProjection: Mat4;
  fogStart: number;
  fogEnd: number;
}

/**
 * The camera at `time` seconds: `camera.position` turned around `lookAt` about the vertical axis
 * when the scene orbits. The fog hides the ground's far edge in the background colour.
 */
export function cameraAt(scene: Scene, time: number, aspect: number): CameraView {
  const { lookAt: target, fov, orbit } = scene.camera;
  let [x, y, z] = scene.camera.position;
  if (orbit) {
    const angle = (orbit.degreesPerSecond * time * Math.PI) / 180;
    const dx = x - target[0];
    const dz = z - target[2];
    x = target[0] + dx * Math.cos(angle) - dz * Math.sin(angle);
    z = target[2] + dx * Math.sin(angle) + dz * Math.cos(angle);
  }
  const position: Vec3 = [x, y, z];
  const distance = Math.hypot(x - target[0], y - target[1], z - target[2]);
  const groundHalf = scene.ground.enabled ? scene.ground.size / 2 : 200;
  const fogEnd = Math.max(groundHalf + Math.hypot(x, z), distance * 2);
  const fogStart = Math.max(fogEnd * 0.55, distance * 1.4);
  // As far out as is safe: the depth buffer has 16 bits, and its precision is set by the near plane.
  const near = Math.min(2, Math.max(0.05, distance * 0.05));
  const far = fogEnd * 1.5 + 10;
  const projection = perspective((fov * Math.PI) / 180, aspect, near, far);
  return { position, viewProjection: multiply(projection, lookAt(position, target)), fogStart, fogEnd };
}
