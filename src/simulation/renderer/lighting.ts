import type { Scene, Vec3 } from '../scene/schema.js';
import type { Mat4 } from './math.js';
import type { Program } from './program.js';
import type { ShadowTarget } from './shadow.js';

/** What one frame is seen through. */
export interface FrameView {
  viewProjection: Mat4;
  cameraPosition: Vec3;
  lightViewProjection: Mat4;
  shadowBias: number;
  fogStart: number;
  fogEnd: number;
}

/** `#rrggbb` as three numbers from 0 to 1. */
export function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** `#rrggbb` in linear light (gamma 2, as the shaders use). */
export function linear(hex: string): [number, number, number] {
  return rgb(hex).map((c) => c * c) as [number, number, number];
}

/**
 * The scene's lights as shader uniforms. The ground faces straight up, so its light is two
 * constants: ambient, and the sun's share that falls on a horizontal surface.
 */
export function createLighting(gl: WebGLRenderingContext, scene: Scene) {
  const { ambient, directional } = scene.lights;
  const [dx, dy, dz] = directional.direction;
  const length = Math.hypot(dx, dy, dz);
  const toLight = [-dx / length, -dy / length, -dz / length];
  const lightColor = linear(directional.color).map((c) => c * directional.intensity);
  const ambientColor = linear(ambient.color).map((c) => c * ambient.intensity);
  const background = rgb(scene.background);
  const groundDirect = lightColor.map((c) => c * Math.max(0, toLight[1]!));

  return {
    background,
    /** Sets every lighting, fog and shadow uniform `program` declares. */
    apply(program: Program, view: FrameView, shadow: ShadowTarget | undefined): void {
      gl.uniformMatrix4fv(program.uniform('uViewProjection'), false, view.viewProjection);
      gl.uniformMatrix4fv(program.uniform('uLightViewProjection'), false, view.lightViewProjection);
      gl.uniform3fv(program.uniform('uCameraPosition'), view.cameraPosition);
      gl.uniform3fv(program.uniform('uToLight'), toLight);
      gl.uniform3fv(program.uniform('uLightColor'), lightColor);
      gl.uniform3fv(program.uniform('uAmbient'), ambientColor);
      gl.uniform3fv(program.uniform('uAmbientLight'), ambientColor);
      gl.uniform3fv(program.uniform('uDirectLight'), groundDirect);
      gl.uniform3fv(program.uniform('uBackground'), background);
      gl.uniform1f(program.uniform('uFogStart'), view.fogStart);
      gl.uniform1f(program.uniform('uFogEnd'), view.fogEnd);
      gl.uniform1f(program.uniform('uShadows'), shadow ? 1 : 0);
      gl.uniform1f(program.uniform('uShadowTexel'), shadow ? 1 / shadow.size : 0);
      gl.uniform1f(program.uniform('uShadowBias'), view.shadowBias);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, shadow?.texture ?? null);
      gl.uniform1i(program.uniform('uShadowMap'), 0);
    },
  };
}

export type Lighting = ReturnType<typeof createLighting>;
