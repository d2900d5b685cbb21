import createGL from 'gl';
import { SimulationError } from '../../core/errors.js';
import { type GlObjects, trackObjects } from './gl-objects.js';

/** The WebGL 1 context and the extensions the renderer cannot do without, lent to one video. */
export interface GlContext {
  gl: WebGLRenderingContext;
  instancing: ANGLE_instanced_arrays;
  /** Render targets kept for the next video of the same size (see gl-objects.ts). */
  keep: GlObjects['keep'];
  /**
   * Deletes every object made through this loan but the linked programs and the kept targets, and
   * resets the state; the context stays open.
   */
  release(): void;
}

interface OpenContext {
  gl: WebGLRenderingContext;
  instancing: ANGLE_instanced_arrays;
  made: GlObjects;
}

let open: OpenContext | undefined;

/**
 * Lends this process's headless WebGL 1 context, opening it on first use. It connects to the X
 * display named by the DISPLAY variable of this process, once per process: so it runs in the
 * render worker, which is started with its own DISPLAY (see render-worker-handle.ts).
 *
 * One context serves every video a warm worker makes, because destroying one does not give back
 * all it held: a context per video grew the worker by about 4 MB a video (0.8 MB even with every
 * object deleted first). Everything is drawn into offscreen targets, so the context's own
 * drawing buffer stays at 1x1 whatever the video's size.
 */
export function acquireGlContext(): GlContext {
  if (!open || open.gl.isContextLost()) open = openContext();
  const { gl, instancing, made } = open;
  return {
    gl,
    instancing,
    keep: made.keep,
    release() {
      made.deleteMade();
      resetState(gl);
    },
  };
}

function openContext(): OpenContext {
  // No MSAA exists here, and depth and alpha are not needed in the default buffer: it is never drawn to.
  const gl = createGL(1, 1, {
    alpha: false,
    depth: false,
    stencil: false,
    antialias: false,
    premultipliedAlpha: false,
    preserveDrawingBuffer: false,
  });
  if (!gl)
    throw new SimulationError(
      'RENDER_NO_CONTEXT',
      'headless-gl could not create a WebGL context: the X display is unreachable or has no GLX (is Xvfb running, with Mesa installed?)',
      { userMessage: 'The renderer is not available on this server right now.' },
    );
  const instancing = gl.getExtension('ANGLE_instanced_arrays');
  const derivatives = gl.getExtension('OES_standard_derivatives');
  if (!instancing || !derivatives)
    throw new SimulationError(
      'RENDER_UNSUPPORTED',
      `The GL driver lacks ${[!instancing && 'ANGLE_instanced_arrays', !derivatives && 'OES_standard_derivatives'].filter(Boolean).join(' and ')}`,
    );
  return { gl, instancing, made: trackObjects(gl) };
}

/** Back to WebGL's defaults for everything the renderer changes, so no video inherits another's. */
function resetState(gl: WebGLRenderingContext): void {
  for (const capability of [gl.SCISSOR_TEST, gl.DEPTH_TEST, gl.CULL_FACE, gl.POLYGON_OFFSET_FILL, gl.BLEND])
    gl.disable(capability);
  gl.depthMask(true);
  gl.depthFunc(gl.LESS);
  gl.colorMask(true, true, true, true);
  gl.frontFace(gl.CCW);
  gl.cullFace(gl.BACK);
  gl.useProgram(null);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.bindRenderbuffer(gl.RENDERBUFFER, null);
  gl.bindBuffer(gl.ARRAY_BUFFER, null);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, null);
  for (const unit of [gl.TEXTURE2, gl.TEXTURE1, gl.TEXTURE0]) {
    gl.activeTexture(unit);
    gl.bindTexture(gl.TEXTURE_2D, null);
  }
}
