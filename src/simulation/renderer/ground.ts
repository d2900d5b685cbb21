import type { Scene } from '../scene/schema.js';
import type { AttributeBinder } from './attributes.js';
import type { GlContext } from './context.js';
import { type ColorDepthTarget, createColorDepthTarget } from './framebuffer.js';
import { type FrameView, type Lighting, linear } from './lighting.js';
import { createProgram, type Program } from './program.js';
import { bakedGroundFragment, groundFragment, groundVertex, withDefines } from './shaders.js';
import type { ShadowTarget } from './shadow.js';

/** A rectangle on the ground: x from `x0` to `x1`, z from `z0` to `z1`. */
export interface GroundRect {
  x0: number;
  z0: number;
  x1: number;
  z1: number;
}

/** Two counter-clockwise (seen from above) triangles per rectangle, as world x, z pairs. */
function triangles(rects: GroundRect[]): number[] {
  return rects.flatMap(({ x0, z0, x1, z1 }) => [x0, z0, x0, z1, x1, z1, x0, z0, x1, z1, x1, z0]);
}

/** The ground square minus `inner`, as up to four rectangles around it. */
function around(ground: GroundRect, inner: GroundRect): GroundRect[] {
  const rects: GroundRect[] = [
    { x0: ground.x0, z0: ground.z0, x1: inner.x0, z1: ground.z1 },
    { x0: inner.x1, z0: ground.z0, x1: ground.x1, z1: ground.z1 },
    { x0: inner.x0, z0: ground.z0, x1: inner.x1, z1: inner.z0 },
    { x0: inner.x0, z0: inner.z1, x1: inner.x1, z1: ground.z1 },
  ];
  return rects.filter((r) => r.x1 > r.x0 && r.z1 > r.z0);
}

/** The ground as a still camera sees it, fully lit and fully shadowed, drawn once per video. */
interface Plates {
  lit: ColorDepthTarget;
  shaded: ColorDepthTarget;
  width: number;
  height: number;
  /** Programs that read the plates, with and without the shadow map. */
  withShadows: Program;
  withoutShadows: Program;
}

/**
 * The ground: a grid, lit, fogged, and shadowed only inside the area shadows can reach, since
 * shadow map reads are what llvmpipe charges most for. It is always drawn after the bodies, testing
 * depth without writing it, pushed back a little so 16-bit depth never lets it show through.
 * Under a still camera, `bake` draws the grid, light and fog once, and frames only read them back.
 */
export function createGroundDrawer(
  { gl, keep }: Pick<GlContext, 'gl' | 'keep'>,
  scene: Scene,
  lighting: Lighting,
  attributes: AttributeBinder,
  shadowTaps: 1 | 4,
) {
  const lit = createProgram(
    gl,
    groundVertex,
    withDefines(groundFragment, { SHADOW_TAPS: shadowTaps }),
    'ground',
  );
  const plain = createProgram(gl, groundVertex, withDefines(groundFragment, { SHADOW_TAPS: 0 }), 'ground');
  const half = scene.ground.size / 2;
  const whole: GroundRect = { x0: -half, z0: -half, x1: half, z1: half };
  const buffer = gl.createBuffer()!;
  // Vertices: first the part shadows can reach, then the rest.
  let shadowed = 0;
  let rest = 0;
  let plates: Plates | undefined;

  const draw = (
    program: Program,
    view: FrameView,
    shadow: ShadowTarget | undefined,
    first: number,
    count: number,
    sunlight: 'on' | 'off' = 'on',
  ) => {
    if (count === 0) return;
    gl.useProgram(program.program);
    lighting.apply(program, view, shadow);
    if (sunlight === 'off') gl.uniform3f(program.uniform('uDirectLight'), 0, 0, 0);
    gl.uniform3fv(program.uniform('uColor'), linear(scene.ground.color));
    gl.uniform3fv(program.uniform('uGridColor'), linear(scene.ground.gridColor));
    gl.uniform1f(program.uniform('uGrid'), scene.ground.grid ? 1 : 0);
    if (plates) {
      gl.activeTexture(gl.TEXTURE1);
      gl.bindTexture(gl.TEXTURE_2D, plates.lit.texture);
      gl.uniform1i(program.uniform('uLitPlate'), 1);
      gl.activeTexture(gl.TEXTURE2);
      gl.bindTexture(gl.TEXTURE_2D, plates.shaded.texture);
      gl.uniform1i(program.uniform('uShadedPlate'), 2);
      gl.activeTexture(gl.TEXTURE0);
      gl.uniform2f(program.uniform('uPlateTexel'), 1 / plates.width, 1 / plates.height);
    }
    attributes.bind(program, 'aGround', buffer, 2, 8, 0);
    gl.drawArrays(gl.TRIANGLES, first, count);
    attributes.release();
  };
  const behindBodies = (drawing: () => void) => {
    gl.depthMask(false);
    gl.enable(gl.POLYGON_OFFSET_FILL);
    gl.polygonOffset(2, 4);
    drawing();
    gl.disable(gl.POLYGON_OFFSET_FILL);
    gl.depthMask(true);
  };

  const ground = {
    /** Limits shadow map reads to `area` of the ground; none of it reads them until this is set. */
    setShadowArea(area: GroundRect | undefined): void {
      const clipped = area && {
        x0: Math.max(whole.x0, Math.min(whole.x1, area.x0)),
        z0: Math.max(whole.z0, Math.min(whole.z1, area.z0)),
        x1: Math.max(whole.x0, Math.min(whole.x1, area.x1)),
        z1: Math.max(whole.z0, Math.min(whole.z1, area.z1)),
      };
      const inside = clipped ? triangles([clipped]) : [];
      const outside = triangles(clipped ? around(whole, clipped) : [whole]);
      shadowed = inside.length / 2;
      rest = outside.length / 2;
      gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([...inside, ...outside]), gl.STATIC_DRAW);
    },

    /**
     * Draws the ground as `view` sees it into two plates of `width` x `height` (the scene target's
     * size), in full sunlight and in full shadow. From then on `drawLit` reads them instead of
     * working out grid, light and fog for every pixel of every frame: only for a still camera.
     * In full light or shade a frame is the same to the bit; where a shadow's filtered edge mixes
     * the two, the mix is of gamma-encoded colours, a shade off the exact one.
     */
    bake(view: FrameView, width: number, height: number): void {
      // Kept for the next video of this size, which draws them all over again.
      const [litPlate, shadedPlate] = keep('ground plates', `${width}x${height}`, () => [
        createColorDepthTarget(gl, width, height, gl.NEAREST, 'ground plate'),
        createColorDepthTarget(gl, width, height, gl.NEAREST, 'ground plate'),
      ]);
      const drawPlate = (plate: ColorDepthTarget, sunlight: 'on' | 'off') => {
        gl.bindFramebuffer(gl.FRAMEBUFFER, plate.framebuffer);
        gl.viewport(0, 0, width, height);
        const [r, g, b] = lighting.background;
        gl.clearColor(r, g, b, 1);
        gl.clear(gl.COLOR_BUFFER_BIT);
        gl.disable(gl.DEPTH_TEST);
        gl.disable(gl.CULL_FACE);
        draw(plain, view, undefined, 0, shadowed + rest, sunlight);
        return plate;
      };
      const baked = (taps: number) =>
        createProgram(gl, groundVertex, withDefines(bakedGroundFragment, { SHADOW_TAPS: taps }), 'ground');
      plates = {
        lit: drawPlate(litPlate!, 'on'),
        shaded: drawPlate(shadedPlate!, 'off'),
        width,
        height,
        withShadows: baked(shadowTaps),
        withoutShadows: baked(0),
      };
    },

    /** The whole ground, lit, with shadows where they can fall. */
    drawLit(view: FrameView, shadow: ShadowTarget | undefined): void {
      const withShadows = plates?.withShadows ?? lit;
      const withoutShadows = plates?.withoutShadows ?? plain;
      behindBodies(() => {
        draw(shadow ? withShadows : withoutShadows, view, shadow, 0, shadowed);
        draw(withoutShadows, view, undefined, shadowed, rest);
      });
    },
  };
  ground.setShadowArea(undefined);
  return ground;
}
