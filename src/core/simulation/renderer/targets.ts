import { SimulationError } from '../../errors.js';
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
  const texture = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  const filter = factor === 1 ? gl.NEAREST : gl.LINEAR;
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, filter);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, filter);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  const depth = gl.createRenderbuffer()!;
  gl.bindRenderbuffer(gl.RENDERBUFFER, depth);
  // 16 bits rather than 24+8: half the memory to clear and test every frame. The camera's near plane
  // and the ground's polygon offset keep it free of z-fighting.
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, w, h);
  const framebuffer = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, depth);
  const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
  if (status !== gl.FRAMEBUFFER_COMPLETE)
    throw new SimulationError(
      'RENDER_FRAMEBUFFER',
      `The supersample framebuffer is incomplete (0x${status.toString(16)})`,
    );
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
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
