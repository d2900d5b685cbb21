import { SimulationError } from '../../core/errors.js';

/** A framebuffer drawing into an RGBA8 texture, with a depth renderbuffer behind it. */
export interface ColorDepthTarget {
  framebuffer: WebGLFramebuffer;
  texture: WebGLTexture;
  depth: WebGLRenderbuffer;
}

/**
 * Creates a colour texture of `width` x `height` with a 16-bit depth renderbuffer (rather than
 * 24+8: half the memory to clear and test every frame; the camera's near plane and the ground's
 * polygon offset keep it free of z-fighting). `filter` is how the texture is sampled later;
 * `name` says which target failed when the driver refuses the combination. With `depth`, the
 * target shares that depth buffer (of the same size) instead of having one of its own.
 */
export function createColorDepthTarget(
  gl: WebGLRenderingContext,
  width: number,
  height: number,
  filter: number,
  name: string,
  depth?: WebGLRenderbuffer,
): ColorDepthTarget {
  const texture = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, filter);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, filter);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  const depthBuffer = depth ?? gl.createRenderbuffer()!;
  if (!depth) {
    gl.bindRenderbuffer(gl.RENDERBUFFER, depthBuffer);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, width, height);
  }
  const framebuffer = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, depthBuffer);
  const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
  if (status !== gl.FRAMEBUFFER_COMPLETE)
    throw new SimulationError(
      'RENDER_FRAMEBUFFER',
      `The ${name} framebuffer is incomplete (0x${status.toString(16)})`,
    );
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  return { framebuffer, texture, depth: depthBuffer };
}
