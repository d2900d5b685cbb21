import { SimulationError } from '../../errors.js';
import { createColorDepthTarget } from './framebuffer.js';
import { createProgram, type Program } from './program.js';
import { resolveFragment, resolveVertex, withDefines } from './shaders.js';

/** The supersampled colour target the scene is drawn into, before it is scaled down. */
export interface SupersampleTarget {
  framebuffer: WebGLFramebuffer;
  texture: WebGLTexture;
  width: number;
  height: number;
  factor: number;
}

/** A colour texture with a 16-bit depth renderbuffer, `factor` times the frame size. */
export function createSupersampleTarget(
  gl: WebGLRenderingContext,
  width: number,
  height: number,
  factor: number,
): SupersampleTarget {
  const w = width * factor;
  const h = height * factor;
  const max = gl.getParameter(gl.MAX_RENDERBUFFER_SIZE) as number;
  if (w > max || h > max)
    throw new SimulationError('RENDER_TOO_LARGE', `${w}x${h} exceeds the GL limit of ${max} pixels a side`);
  // Supersampled frames are averaged down, so they are sampled linearly; a 1x frame is copied as is.
  const filter = factor === 1 ? gl.NEAREST : gl.LINEAR;
  const { framebuffer, texture } = createColorDepthTarget(gl, w, h, filter, 'supersample');
  return { framebuffer, texture, width: w, height: h, factor };
}

/**
 * Box-filters a supersampled target down into `output`, a target of frame size. Drawing into a
 * framebuffer of our own (not the default one) keeps the pixels outside a scissor rectangle
 * from one frame to the next.
 */
export function createResolvePass(
  gl: WebGLRenderingContext,
  target: SupersampleTarget,
  output: SupersampleTarget,
) {
  const taps = target.factor === 4 ? 4 : 1;
  const program: Program = createProgram(
    gl,
    resolveVertex,
    withDefines(resolveFragment, { TAPS: taps }),
    'resolve',
  );
  const triangle = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, triangle);
  // One triangle that covers the screen: no seam along a diagonal.
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  return {
    /** Resolves all of the frame, or only `dirty` (in output pixels). */
    draw(dirty?: { x: number; y: number; width: number; height: number }): void {
      gl.bindFramebuffer(gl.FRAMEBUFFER, output.framebuffer);
      gl.viewport(0, 0, output.width, output.height);
      if (dirty) {
        gl.enable(gl.SCISSOR_TEST);
        gl.scissor(dirty.x, dirty.y, dirty.width, dirty.height);
      }
      gl.disable(gl.DEPTH_TEST);
      gl.disable(gl.CULL_FACE);
      gl.useProgram(program.program);
      gl.bindBuffer(gl.ARRAY_BUFFER, triangle);
      const position = program.attribute('aPosition');
      gl.enableVertexAttribArray(position);
      gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, target.texture);
      gl.uniform1i(program.uniform('uImage'), 0);
      gl.uniform2f(program.uniform('uOffset'), 1 / target.width, 1 / target.height);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
      gl.disableVertexAttribArray(position);
      gl.disable(gl.SCISSOR_TEST);
    },
  };
}
