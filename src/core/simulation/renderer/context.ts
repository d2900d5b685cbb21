import createGL from 'gl';
import { SimulationError } from '../../errors.js';

/** The WebGL 1 context and the extensions the renderer cannot do without. */
export interface GlContext {
  gl: WebGLRenderingContext;
  instancing: ANGLE_instanced_arrays;
  /** Resizes the drawing buffer; headless-gl cannot otherwise change it after creation. */
  resize(width: number, height: number): void;
  destroy(): void;
}

/**
 * Creates a headless WebGL 1 context of `width` x `height`. It connects to the X display named by
 * the DISPLAY variable of this process, once per process: so it runs in the render worker, which is
 * started with its own DISPLAY (see render-process.ts).
 */
export function createGlContext(width: number, height: number): GlContext {
  // No MSAA exists here and depth and alpha are not needed in the final buffer: everything is drawn
  // into offscreen targets and only the resolved frame lands in the default framebuffer.
  const gl = createGL(width, height, {
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
  const resizer = gl.getExtension('STACKGL_resize_drawingbuffer') as {
    resize(w: number, h: number): void;
  } | null;
  const destroyer = gl.getExtension('STACKGL_destroy_context') as { destroy(): void } | null;
  return {
    gl,
    instancing,
    resize: (w, h) => resizer?.resize(w, h),
    destroy: () => destroyer?.destroy(),
  };
}
