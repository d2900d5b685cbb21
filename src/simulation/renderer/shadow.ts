import type { Vec3 } from '../scene/schema.js';
import { createColorDepthTarget } from './framebuffer.js';
import { lookAt, type Mat4, multiply, normalize, ortho, transformPoint } from './math.js';
import type { Bounds } from './shadow-fit.js';

/** An RGBA8 texture that holds packed light-space depth, and the framebuffer that draws into it. */
export interface ShadowTarget {
  framebuffer: WebGLFramebuffer;
  texture: WebGLTexture;
  size: number;
}

/** Creates the shadow target. Its depth buffer is a renderbuffer; the texture keeps packed depth. */
export function createShadowTarget(gl: WebGLRenderingContext, size: number): ShadowTarget {
  // Packed depth must never be blended between texels.
  const { framebuffer, texture } = createColorDepthTarget(gl, size, size, gl.NEAREST, 'shadow');
  return { framebuffer, texture, size };
}

/** The light's view-projection and the depth bias of one shadow texel. */
export interface LightFit {
  viewProjection: Mat4;
  /** One shadow texel's width, in units of the light's depth range. */
  texelBias: number;
}

/** Fits an orthographic light frustum, looking along `direction`, tightly around `bounds`. */
export function fitLight(direction: Vec3, bounds: Bounds, mapSize: number): LightFit {
  const center: Vec3 = [0, 1, 2].map((k) => (bounds.min[k]! + bounds.max[k]!) / 2) as Vec3;
  const d = normalize(direction);
  const view = lookAt([center[0] - d[0], center[1] - d[1], center[2] - d[2]], center);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const p = [0, 1, 2].map((k) => ((corner >> k) & 1 ? bounds.max[k]! : bounds.min[k]!)) as Vec3;
    const v = transformPoint(view, p);
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k]!, v[k]!);
      hi[k] = Math.max(hi[k]!, v[k]!);
    }
  }
  const margin = 0.5;
  const near = -hi[2]! - margin;
  const far = -lo[2]! + margin;
  const projection = ortho(lo[0]! - margin, hi[0]! + margin, lo[1]! - margin, hi[1]! + margin, near, far);
  const texelWorld = Math.max(hi[0]! - lo[0]!, hi[1]! - lo[1]!) / mapSize;
  return { viewProjection: multiply(projection, view), texelBias: texelWorld / (far - near) };
}

/**
 * The rectangle of ground that shadows can fall on: the bodies' box, and that box pushed along the
 * light down to y = 0. Outside it the ground is drawn without reading the shadow map at all.
 */
export function shadowArea(direction: Vec3, bounds: Bounds) {
  const d = normalize(direction);
  const xs: number[] = [];
  const zs: number[] = [];
  for (let corner = 0; corner < 8; corner++) {
    const p = [0, 1, 2].map((k) => ((corner >> k) & 1 ? bounds.max[k]! : bounds.min[k]!)) as Vec3;
    xs.push(p[0]);
    zs.push(p[2]);
    // A light from below the horizon casts no shadow on the ground; a nearly flat one reaches far.
    if (d[1] < -1e-3) {
      const t = Math.max(0, p[1]) / -d[1];
      xs.push(p[0] + d[0] * Math.min(t, 200));
      zs.push(p[2] + d[2] * Math.min(t, 200));
    }
  }
  const margin = 0.25;
  return {
    x0: Math.min(...xs) - margin,
    z0: Math.min(...zs) - margin,
    x1: Math.max(...xs) + margin,
    z1: Math.max(...zs) + margin,
  };
}
