import { SimulationError } from '../../core/errors.js';
import type { PixelRect } from './draw.js';
import { createColorDepthTarget } from './framebuffer.js';
import { createProgram, type Program } from './program.js';
import { resolveFragment, resolveVertex, smoothEdgesFragment, withDefines } from './shaders.js';

/** The supersampled colour target the scene is drawn into, before it is scaled down. */
export interface SupersampleTarget {
  framebuffer: WebGLFramebuffer;
  texture: WebGLTexture;
  depth: WebGLRenderbuffer;
  width: number;
  height: number;
  factor: number;
}

/**
 * A colour texture with a 16-bit depth renderbuffer, `factor` times the frame size; with
 * `sharedDepth`, the depth buffer of another target of that size.
 */
export function createSupersampleTarget(
  gl: WebGLRenderingContext,
  width: number,
  height: number,
  factor: number,
  sharedDepth?: WebGLRenderbuffer,
): SupersampleTarget {
  const w = width * factor;
  const h = height * factor;
  const max = gl.getParameter(gl.MAX_RENDERBUFFER_SIZE) as number;
  if (w > max || h > max)
    throw new SimulationError('RENDER_TOO_LARGE', `${w}x${h} exceeds the GL limit of ${max} pixels a side`);
  // Supersampled frames are averaged down and 1x frames have their edges smoothed, both by
  // bilinear taps between texels.
  const target = createColorDepthTarget(gl, w, h, gl.LINEAR, 'supersample', sharedDepth);
  return { ...target, width: w, height: h, factor };
}

/** A pass from one target to another, all of it or only a rectangle (in output pixels). */
export interface ScreenPass {
  draw(dirty?: PixelRect): void;
}

/**
 * Draws `source` into `output` through `fragment`, with one triangle over the screen. Drawing into a
 * framebuffer of our own (not the default one) keeps the pixels outside a scissor rectangle from
 * one frame to the next.
 */
function createScreenPass(
  gl: WebGLRenderingContext,
  fragment: string,
  label: string,
  source: SupersampleTarget,
  output: SupersampleTarget,
  /** Only where the output's depth buffer holds something nearer than the far plane. */
  onlyWhereDrawn = false,
): ScreenPass {
  const program: Program = createProgram(gl, resolveVertex, fragment, label);
  const triangle = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, triangle);
  // One triangle that covers the screen: no seam along a diagonal.
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  return {
    draw(dirty) {
      gl.bindFramebuffer(gl.FRAMEBUFFER, output.framebuffer);
      gl.viewport(0, 0, output.width, output.height);
      if (dirty) {
        gl.enable(gl.SCISSOR_TEST);
        gl.scissor(dirty.x, dirty.y, dirty.width, dirty.height);
      }
      gl.disable(gl.CULL_FACE);
      if (onlyWhereDrawn) {
        // The triangle lies just before the far plane and passes only in front of what is nearer:
        // llvmpipe then skips the shader for every block of pixels where nothing was drawn.
        gl.enable(gl.DEPTH_TEST);
        gl.depthFunc(gl.GREATER);
        gl.depthMask(false);
      } else gl.disable(gl.DEPTH_TEST);
      gl.useProgram(program.program);
      gl.uniform1f(program.uniform('uDepth'), onlyWhereDrawn ? 0.9999 : 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, triangle);
      const position = program.attribute('aPosition');
      gl.enableVertexAttribArray(position);
      gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, source.texture);
      gl.uniform1i(program.uniform('uImage'), 0);
      gl.uniform2f(program.uniform('uOffset'), 1 / source.width, 1 / source.height);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
      gl.disableVertexAttribArray(position);
      gl.disable(gl.SCISSOR_TEST);
      if (onlyWhereDrawn) {
        gl.depthFunc(gl.LESS);
        gl.depthMask(true);
      }
    },
  };
}

/** Box-filters a supersampled target down into `output`, a target of frame size. */
export function createResolvePass(
  gl: WebGLRenderingContext,
  target: SupersampleTarget,
  output: SupersampleTarget,
): ScreenPass {
  const taps = target.factor === 4 ? 4 : 1;
  return createScreenPass(gl, withDefines(resolveFragment, { TAPS: taps }), 'resolve', target, output);
}

/**
 * Copies a frame drawn once per pixel into `output`, then smooths the stair-stepped edges of its
 * bodies (see smoothEdgesFragment). `output` must share `source`'s depth buffer, where only bodies
 * write depth: the smoothing then costs nothing on the ground and the sky, which are smooth
 * already (filtered shadows, derivative-smoothed grid lines). An output pixel reads source pixels
 * up to {@link smoothingReach} away.
 */
export function createEdgeSmoothingPass(
  gl: WebGLRenderingContext,
  source: SupersampleTarget,
  output: SupersampleTarget,
): ScreenPass {
  const smooth = createScreenPass(gl, smoothEdgesFragment, 'edge smoothing', source, output, true);
  return {
    draw(dirty) {
      // A copy inside the driver, far cheaper than a pass that samples every pixel.
      const { x, y, width, height } = dirty ?? { x: 0, y: 0, width: output.width, height: output.height };
      gl.bindFramebuffer(gl.FRAMEBUFFER, source.framebuffer);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, output.texture);
      gl.copyTexSubImage2D(gl.TEXTURE_2D, 0, x, y, x, y, width, height);
      smooth.draw(dirty);
    },
  };
}

/** How far, in pixels, the edge smoothing reads around a pixel (its blur along an edge, and one more). */
export const smoothingReach = 5;
