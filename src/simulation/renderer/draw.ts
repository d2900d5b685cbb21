import { materialOf } from '../scene/materials.js';
import type { Scene } from '../scene/schema.js';
import { type Shape, shapes } from '../scene/shapes.js';
import { createAttributeBinder } from './attributes.js';
import type { GlContext } from './context.js';
import { createGroundDrawer } from './ground.js';
import { createLighting, type FrameView, rgb } from './lighting.js';
import { type Mesh, segmentsFor, unitMesh, vertexFloats } from './meshes.js';
import { createProgram, type Program } from './program.js';
import { bodyFragment, bodyVertex, shadowFragment, shadowVertex, withDefines } from './shaders.js';
import type { ShadowTarget } from './shadow.js';
import type { SupersampleTarget } from './targets.js';

/** A rectangle of a framebuffer, in pixels from its lower left corner, as `gl.scissor` takes it. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type { GroundRect } from './ground.js';
export type { FrameView } from './lighting.js';

/** Floats per instance that change every frame: translation (3) and rotation (4). */
const poseFloats = 7;
/**
 * Floats per instance that never change: scale (3), capsule stretch (1), colour (3), and material
 * (4): roughness, metalness, specular strength, opacity.
 */
const lookFloats = 11;

interface MeshBuffers {
  vertices: WebGLBuffer;
  indices: WebGLBuffer;
  indexCount: number;
}

interface Group {
  shape: Shape;
  first: number;
  count: number;
  /** See-through (glass): drawn after everything solid, one by one from back to front. */
  translucent: boolean;
  /** Detailed enough for the camera. */
  mesh: MeshBuffers;
  /** Coarser, for the shadow map, whose texels are bigger than pixels anyway. */
  shadowMesh: MeshBuffers;
}

function instanceLook(o: Scene['objects'][number]): number[] {
  const [sx, sy, sz] = o.size;
  const scale =
    o.shape === 'box'
      ? [sx, sy, sz, 0]
      : o.shape === 'sphere'
        ? [sx, sx, sx, 0]
        : o.shape === 'cylinder'
          ? [sx, sy, sx, 0]
          : [sx, sx, sx, Math.max(0, sy - sx) / 2];
  const m = materialOf(o.material);
  return [...scale, ...rgb(o.color), o.roughness, o.metalness, m.specular, m.opacity];
}

function isTranslucent(o: Scene['objects'][number]): boolean {
  return materialOf(o.material).opacity < 1;
}

/**
 * Draws a scene: bodies with one instanced call per shape (ANGLE_instanced_arrays), into the
 * packed-depth shadow map and into the (supersampled) target, then the ground behind them. Bodies
 * are grouped by shape once; each frame only their poses (7 floats each) are uploaded.
 */
export function createSceneDrawer(
  ctx: GlContext,
  scene: Scene,
  options: {
    shadowTaps: 1 | 4;
    /** Pixels per metre at 1 m from the camera, in the drawn (supersampled) image. */
    pixelsPerMetre: number;
  },
) {
  const { gl, instancing } = ctx;
  const attributes = createAttributeBinder(gl, instancing);
  const lighting = createLighting(gl, scene);
  const ground = createGroundDrawer(ctx, scene, lighting, attributes, options.shadowTaps);
  const bodyProgram = createProgram(
    gl,
    bodyVertex,
    withDefines(bodyFragment, { SHADOW_TAPS: options.shadowTaps }),
    'body',
  );
  const shadowProgram = createProgram(
    gl,
    shadowVertex,
    withDefines(shadowFragment, { SCREEN_DOOR: 0 }),
    'shadow',
  );
  const hasTranslucent = scene.objects.some(isTranslucent);
  const screenDoorProgram = hasTranslucent
    ? createProgram(gl, shadowVertex, withDefines(shadowFragment, { SCREEN_DOOR: 1 }), 'see-through shadow')
    : undefined;
  const upload = (mesh: Mesh): MeshBuffers => {
    const vertices = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, vertices);
    gl.bufferData(gl.ARRAY_BUFFER, mesh.vertices, gl.STATIC_DRAW);
    const indices = gl.createBuffer()!;
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indices);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, mesh.indices, gl.STATIC_DRAW);
    return { vertices, indices, indexCount: mesh.indices.length };
  };
  const camera = scene.camera.position;

  // Scene index of each instance slot, grouped by shape.
  const order: number[] = [];
  const groups: Group[] = [];
  for (const [shape, translucent] of shapes.flatMap((s) => [[s, false] as const, [s, true] as const])) {
    const members = scene.objects.flatMap((o, i) =>
      o.shape === shape && isTranslucent(o) === translucent ? [i] : [],
    );
    if (members.length === 0) continue;
    // How large the largest member looks from where the camera starts, with room to come closer.
    const radiusPixels = Math.max(
      ...members.map((i) => {
        const o = scene.objects[i]!;
        const radius = Math.max(o.size[0], o.size[2]) / 2;
        const distance = Math.max(0.5, Math.hypot(...o.position.map((v, k) => v - camera[k]!)) - radius);
        return (1.25 * radius * options.pixelsPerMetre) / distance;
      }),
    );
    const segments = segmentsFor(radiusPixels);
    groups.push({
      shape,
      first: order.length,
      count: members.length,
      translucent,
      mesh: upload(unitMesh(shape, segments)),
      shadowMesh: upload(unitMesh(shape, Math.max(8, segments / 2 + ((segments / 2) % 2)))),
    });
    order.push(...members);
  }

  const looks = new Float32Array(order.length * lookFloats);
  order.forEach((index, slot) => {
    looks.set(instanceLook(scene.objects[index]!), slot * lookFloats);
  });
  const lookBuffer = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, lookBuffer);
  gl.bufferData(gl.ARRAY_BUFFER, looks, gl.STATIC_DRAW);
  const poses = new Float32Array(order.length * poseFloats);
  const poseBuffer = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, poseBuffer);
  gl.bufferData(gl.ARRAY_BUFFER, poses.byteLength || 4, gl.DYNAMIC_DRAW);

  /** Draws `count` instances of `group` from instance slot `first`. */
  const drawInstances = (
    program: Program,
    group: Group,
    lod: 'mesh' | 'shadowMesh',
    first: number,
    count: number,
  ) => {
    const mesh = group[lod];
    const v = vertexFloats * 4;
    attributes.bind(program, 'aPosition', mesh.vertices, 3, v, 0);
    attributes.bind(program, 'aNormal', mesh.vertices, 3, v, 12);
    attributes.bind(program, 'aSide', mesh.vertices, 1, v, 24);
    const p = poseFloats * 4;
    attributes.bind(program, 'iTranslation', poseBuffer, 3, p, first * p, 1);
    attributes.bind(program, 'iRotation', poseBuffer, 4, p, first * p + 12, 1);
    const l = lookFloats * 4;
    attributes.bind(program, 'iScale', lookBuffer, 4, l, first * l, 1);
    attributes.bind(program, 'iColor', lookBuffer, 3, l, first * l + 16, 1);
    attributes.bind(program, 'iMaterial', lookBuffer, 4, l, first * l + 28, 1);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, mesh.indices);
    instancing.drawElementsInstancedANGLE(gl.TRIANGLES, mesh.indexCount, gl.UNSIGNED_SHORT, 0, count);
    attributes.release();
  };
  const drawBodies = (program: Program, lod: 'mesh' | 'shadowMesh', translucent: boolean) => {
    for (const group of groups)
      if (group.translucent === translucent) drawInstances(program, group, lod, group.first, group.count);
  };
  const translucentSlots = groups
    .filter((g) => g.translucent)
    .flatMap((group) =>
      Array.from({ length: group.count }, (_, k) => ({ group, slot: group.first + k, distance: 0 })),
    );
  /**
   * See-through bodies, after everything solid: farthest first, each blended over what is behind
   * it, without writing depth so that one never hides another drawn after it. Each is drawn twice,
   * its far side (back faces) and then its near side (front faces), so that a glass box shows its
   * back walls through its front ones, and seen from inside it is still there.
   */
  const drawTranslucent = (camera: readonly number[]) => {
    if (translucentSlots.length === 0) return;
    for (const t of translucentSlots) {
      const at = t.slot * poseFloats;
      t.distance = Math.hypot(
        poses[at]! - camera[0]!,
        poses[at + 1]! - camera[1]!,
        poses[at + 2]! - camera[2]!,
      );
    }
    translucentSlots.sort((a, b) => b.distance - a.distance);
    gl.enable(gl.BLEND);
    // The frame's alpha stays 1: only colour is blended.
    gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ZERO, gl.ONE);
    gl.depthMask(false);
    for (const t of translucentSlots) {
      gl.cullFace(gl.FRONT);
      drawInstances(bodyProgram, t.group, 'mesh', t.slot, 1);
      gl.cullFace(gl.BACK);
      drawInstances(bodyProgram, t.group, 'mesh', t.slot, 1);
    }
    gl.depthMask(true);
    gl.disable(gl.BLEND);
  };

  const scissor = (rect: PixelRect | undefined) => {
    if (!rect) return gl.disable(gl.SCISSOR_TEST);
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(rect.x, rect.y, rect.width, rect.height);
  };

  return {
    /** Limits the ground's shadow map reads to where shadows can fall. */
    setShadowArea: ground.setShadowArea,

    /** Draws the ground once for a still camera; frames then read it back (see ground.ts). */
    bakeGround(view: FrameView, target: SupersampleTarget): void {
      if (scene.ground.enabled) ground.bake(view, target.width, target.height);
    },

    /** Uploads the poses of one frame: `floatsPerBody` floats per body, in scene order. */
    setPoses(frame: Float32Array): void {
      for (let slot = 0; slot < order.length; slot++) {
        const from = order[slot]! * poseFloats;
        poses.set(frame.subarray(from, from + poseFloats), slot * poseFloats);
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, poseBuffer);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, poses);
    },

    /** Renders light-space depth of every body into `shadow`; with `dirty`, only inside it. */
    drawShadow(shadow: ShadowTarget, view: FrameView, dirty?: PixelRect): void {
      gl.bindFramebuffer(gl.FRAMEBUFFER, shadow.framebuffer);
      gl.viewport(0, 0, shadow.size, shadow.size);
      scissor(dirty);
      gl.clearColor(1, 1, 1, 1);
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.enable(gl.DEPTH_TEST);
      gl.enable(gl.CULL_FACE);
      // Back faces cast the shadow: the lit front faces then sit well in front of the stored depth.
      gl.cullFace(gl.FRONT);
      gl.useProgram(shadowProgram.program);
      gl.uniformMatrix4fv(shadowProgram.uniform('uLightViewProjection'), false, view.lightViewProjection);
      drawBodies(shadowProgram, 'shadowMesh', false);
      if (screenDoorProgram) {
        gl.useProgram(screenDoorProgram.program);
        gl.uniformMatrix4fv(
          screenDoorProgram.uniform('uLightViewProjection'),
          false,
          view.lightViewProjection,
        );
        drawBodies(screenDoorProgram, 'shadowMesh', true);
      }
      gl.cullFace(gl.BACK);
      scissor(undefined);
    },

    /**
     * Renders one frame into the target: bodies, then the ground behind them with its shadows.
     * With `dirty`, only that rectangle of the target is cleared and drawn; the rest keeps the
     * previous frame, which is the same there.
     */
    drawScene(
      target: SupersampleTarget,
      view: FrameView,
      shadow: ShadowTarget | undefined,
      dirty?: PixelRect,
    ): void {
      gl.bindFramebuffer(gl.FRAMEBUFFER, target.framebuffer);
      gl.viewport(0, 0, target.width, target.height);
      scissor(dirty);
      const [r, g, b] = lighting.background;
      gl.clearColor(r, g, b, 1);
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.enable(gl.DEPTH_TEST);
      gl.enable(gl.CULL_FACE);
      gl.cullFace(gl.BACK);
      // The scene is drawn upside down (see index.ts), which turns the winding of every triangle.
      gl.frontFace(gl.CW);
      // Bodies first: the depth test then skips the ground's costly pixels behind them.
      gl.useProgram(bodyProgram.program);
      lighting.apply(bodyProgram, view, shadow);
      drawBodies(bodyProgram, 'mesh', false);
      if (scene.ground.enabled) ground.drawLit(view, shadow);
      if (translucentSlots.length > 0) {
        gl.useProgram(bodyProgram.program);
        lighting.apply(bodyProgram, view, shadow);
        drawTranslucent(view.cameraPosition);
      }
      gl.frontFace(gl.CCW);
      scissor(undefined);
    },
  };
}
