/** headless-gl ships no types; this is the part of its API the renderer uses. */
declare module 'gl' {
  interface HeadlessGlOptions {
    alpha?: boolean;
    depth?: boolean;
    stencil?: boolean;
    antialias?: boolean;
    premultipliedAlpha?: boolean;
    preserveDrawingBuffer?: boolean;
  }
  /** A WebGL 1 context of `width` x `height`, or null when no display or GL driver is usable. */
  export default function createGL(
    width: number,
    height: number,
    options?: HeadlessGlOptions,
  ): WebGLRenderingContext | null;
}
