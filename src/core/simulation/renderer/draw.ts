import type { Scene, Vec3 } from '../scene/schema.js';
import { type Shape, shapes } from '../scene/shapes.js';
import type { GlContext } from './context.js';
import type { Mat4 } from './math.js';
import { type Mesh, segmentsFor, unitMesh, vertexFloats } from './meshes.js';
import { createProgram, type Program } from './program.js';
import {
  bodyFragment,
  bodyVertex,
  groundFragment,
  groundVertex,
  shadowFragment,
  shadowVertex,
  withDefines,
} from './shaders.js';
import type { ShadowTarget } from './shadow.js';
import type { SupersampleTarget } from './targets.js';

/** Floats per instance that change every frame: translation (3) and rotation (4). */
const poseFloats = 7;
/** Floats per instance that never change: scale (3), capsule stretch (1), colour (3), material (2). */
const lookFloats = 9;

interface MeshBuffers {
  vertices: WebGLBuffer;
  indices: WebGLBuffer;
  indexCount: number;
}

interface Group {
  shape: Shape;
  first: number;
  count: number;
  /** Detailed enough for the camera. */
  mesh: MeshBuffers;
  /** Coarser, for the shadow map, whose texels are bigger than pixels anyway. */
  shadowMesh: MeshBuffers;
}

/** What one frame is seen through. */
export interface FrameView {
  viewProjection: Mat4;
  cameraPosition: Vec3;
  lightViewProjection: Mat4;
  shadowBias: number;
  fogStart: number;
  fogEnd: number;
}

/** A rectangle on the ground: x from `x0` to `x1`, z from `z0` to `z1`. */
export interface GroundRect {
  x0: number;
  z0: number;
  x1: number;
  z1: number;
}

/** Two counter-clockwise (seen from above) triangles per rectangle, as world x, z pairs. */
function groundTriangles(rects: GroundRect[]): number[] {
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

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
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
  return [...scale, ...rgb(o.color), o.roughness, o.metalness];
}

/**
 * Draws bodies with one instanced call per shape (ANGLE_instanced_arrays): the shadow pass into the
 * packed-depth map, then ground and bodies into the supersampled target. Bodies are grouped by
 * shape once; each frame only their poses (7 floats each) are uploaded.
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
  const defines = { SHADOW_TAPS: options.shadowTaps };
  const bodyProgram = createProgram(gl, bodyVertex, withDefines(bodyFragment, defines), 'body');
  const shadowProgram = createProgram(gl, shadowVertex, shadowFragment, 'shadow');
  const groundProgram = createProgram(gl, groundVertex, withDefines(groundFragment, defines), 'ground');
  const plainGroundProgram = createProgram(
    gl,
    groundVertex,
    withDefines(groundFragment, { SHADOW_TAPS: 0 }),
    'ground',
  );
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
  for (const shape of shapes) {
    const members = scene.objects.flatMap((o, i) => (o.shape === shape ? [i] : []));
    if (members.length === 0) continue;
    // The largest any member of the group looks from where the camera starts, with room to come closer.
    const radiusPixels = Math.max(
      ...members.map((i) => {
        const o = scene.objects[i]!;
        const radius = Math.max(o.size[0], o.size[2]) / 2;
        const distance = Math.max(0.5, Math.hypot(...o.position.map((v, k) => v - camera[k]!)) - radius);
        return (1.5 * radius * options.pixelsPerMetre) / distance;
      }),
    );
    const segments = segmentsFor(radiusPixels);
    groups.push({
      shape,
      first: order.length,
      count: members.length,
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

  const half = scene.ground.size / 2;
  const ground: GroundRect = { x0: -half, z0: -half, x1: half, z1: half };
  const groundBuffer = gl.createBuffer()!;
  // Ground vertices: first the part shadows can reach, then the rest.
  let shadowedVertices = 0;
  let plainVertices = 0;
  const setShadowArea = (area: GroundRect | undefined) => {
    const clipped = area && {
      x0: Math.max(ground.x0, Math.min(ground.x1, area.x0)),
      z0: Math.max(ground.z0, Math.min(ground.z1, area.z0)),
      x1: Math.max(ground.x0, Math.min(ground.x1, area.x1)),
      z1: Math.max(ground.z0, Math.min(ground.z1, area.z1)),
    };
    const shadowed = clipped ? groundTriangles([clipped]) : [];
    const plain = groundTriangles(clipped ? around(ground, clipped) : [ground]);
    shadowedVertices = shadowed.length / 2;
    plainVertices = plain.length / 2;
    gl.bindBuffer(gl.ARRAY_BUFFER, groundBuffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([...shadowed, ...plain]), gl.STATIC_DRAW);
  };
  setShadowArea(undefined);

  const enabled: number[] = [];
  const attribute = (
    program: Program,
    name: string,
    buffer: WebGLBuffer,
    size: number,
    stride: number,
    offset: number,
    divisor: number,
  ) => {
    const location = program.attribute(name);
    if (location < 0) return;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.enableVertexAttribArray(location);
    gl.vertexAttribPointer(location, size, gl.FLOAT, false, stride, offset);
    instancing.vertexAttribDivisorANGLE(location, divisor);
    enabled.push(location);
  };
  const release = () => {
    for (const location of enabled.splice(0)) {
      instancing.vertexAttribDivisorANGLE(location, 0);
      gl.disableVertexAttribArray(location);
    }
  };

  const drawBodies = (program: Program, lod: 'mesh' | 'shadowMesh') => {
    for (const group of groups) {
      const mesh = group[lod];
      const v = vertexFloats * 4;
      attribute(program, 'aPosition', mesh.vertices, 3, v, 0, 0);
      attribute(program, 'aNormal', mesh.vertices, 3, v, 12, 0);
      attribute(program, 'aSide', mesh.vertices, 1, v, 24, 0);
      const p = poseFloats * 4;
      attribute(program, 'iTranslation', poseBuffer, 3, p, group.first * p, 1);
      attribute(program, 'iRotation', poseBuffer, 4, p, group.first * p + 12, 1);
      const l = lookFloats * 4;
      attribute(program, 'iScale', lookBuffer, 4, l, group.first * l, 1);
      attribute(program, 'iColor', lookBuffer, 3, l, group.first * l + 16, 1);
      attribute(program, 'iMaterial', lookBuffer, 2, l, group.first * l + 28, 1);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, mesh.indices);
      instancing.drawElementsInstancedANGLE(gl.TRIANGLES, mesh.indexCount, gl.UNSIGNED_SHORT, 0, group.count);
      release();
    }
  };

  const { ambient, directional } = scene.lights;
  const toLight = (() => {
    const [x, y, z] = directional.direction;
    const length = Math.hypot(x, y, z);
    return [-x / length, -y / length, -z / length];
  })();
  const lightColor = rgb(directional.color).map((c) => c * c * directional.intensity);
  const ambientColor = rgb(ambient.color).map((c) => c * c * ambient.intensity);
  const background = rgb(scene.background);
  const linear = (hex: string) => rgb(hex).map((c) => c * c);
  // The ground faces straight up, so its light is the same everywhere but in shadow.
  const groundAmbient = ambientColor;
  const groundDirect = lightColor.map((c) => c * Math.max(0, toLight[1]!));

  const setShading = (program: Program, view: FrameView, shadow: ShadowTarget | undefined) => {
    gl.uniformMatrix4fv(program.uniform('uViewProjection'), false, view.viewProjection);
    gl.uniformMatrix4fv(program.uniform('uLightViewProjection'), false, view.lightViewProjection);
    gl.uniform3fv(program.uniform('uCameraPosition'), view.cameraPosition);
    gl.uniform3fv(program.uniform('uToLight'), toLight);
    gl.uniform3fv(program.uniform('uLightColor'), lightColor);
    gl.uniform3fv(program.uniform('uAmbient'), ambientColor);
    gl.uniform3fv(program.uniform('uBackground'), background);
    gl.uniform1f(program.uniform('uFogStart'), view.fogStart);
    gl.uniform1f(program.uniform('uFogEnd'), view.fogEnd);
    gl.uniform1f(program.uniform('uShadows'), shadow ? 1 : 0);
    gl.uniform1f(program.uniform('uShadowTexel'), shadow ? 1 / shadow.size : 0);
    gl.uniform1f(program.uniform('uShadowBias'), view.shadowBias);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, shadow?.texture ?? null);
    gl.uniform1i(program.uniform('uShadowMap'), 0);
  };

  const drawGround = (
    program: Program,
    view: FrameView,
    shadow: ShadowTarget | undefined,
    first: number,
    count: number,
  ) => {
    gl.useProgram(program.program);
    setShading(program, view, shadow);
    gl.uniform3fv(program.uniform('uColor'), linear(scene.ground.color));
    gl.uniform3fv(program.uniform('uGridColor'), linear(scene.ground.gridColor));
    gl.uniform1f(program.uniform('uGrid'), scene.ground.grid ? 1 : 0);
    gl.uniform3fv(program.uniform('uAmbientLight'), groundAmbient);
    gl.uniform3fv(program.uniform('uDirectLight'), groundDirect);
    attribute(program, 'aGround', groundBuffer, 2, 8, 0, 0);
    gl.drawArrays(gl.TRIANGLES, first, count);
    release();
  };

  return {
    /** Limits the ground drawn with shadow map reads to `area`; all of it is plain until then. */
    setShadowArea,

    /** Uploads the poses of one frame: `floatsPerBody` floats per body, in scene order. */
    setPoses(frame: Float32Array): void {
      for (let slot = 0; slot < order.length; slot++) {
        const from = order[slot]! * poseFloats;
        poses.set(frame.subarray(from, from + poseFloats), slot * poseFloats);
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, poseBuffer);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, poses);
    },

    /** Renders light-space depth of every body into `shadow`. */
    drawShadow(shadow: ShadowTarget, view: FrameView): void {
      gl.bindFramebuffer(gl.FRAMEBUFFER, shadow.framebuffer);
      gl.viewport(0, 0, shadow.size, shadow.size);
      gl.clearColor(1, 1, 1, 1);
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.enable(gl.DEPTH_TEST);
      gl.enable(gl.CULL_FACE);
      // Back faces cast the shadow: the lit front faces then sit well in front of the stored depth.
      gl.cullFace(gl.FRONT);
      gl.useProgram(shadowProgram.program);
      gl.uniformMatrix4fv(shadowProgram.uniform('uLightViewProjection'), false, view.lightViewProjection);
      drawBodies(shadowProgram, 'shadowMesh');
      gl.cullFace(gl.BACK);
    },

    /** Renders ground and bodies, lit and shadowed, into the supersampled target. */
    drawScene(target: SupersampleTarget, view: FrameView, shadow: ShadowTarget | undefined): void {
      gl.bindFramebuffer(gl.FRAMEBUFFER, target.framebuffer);
      gl.viewport(0, 0, target.width, target.height);
      gl.clearColor(background[0], background[1], background[2], 1);
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.enable(gl.DEPTH_TEST);
      gl.enable(gl.CULL_FACE);
      gl.cullFace(gl.BACK);
      // The scene is drawn upside down (see cameraAt), which turns the winding of every triangle.
      gl.frontFace(gl.CW);
      // Bodies first: the depth test then skips the ground's costly grid and shadow lookups behind them.
      gl.useProgram(bodyProgram.program);
      setShading(bodyProgram, view, shadow);
      drawBodies(bodyProgram, 'mesh');
      if (scene.ground.enabled) {
        // Drawn last, the ground only tests depth: writing it would cost a pass over the buffer.
        // Pushed back a little, so that with 16-bit depth it never shows through a resting body.
        gl.depthMask(false);
        gl.enable(gl.POLYGON_OFFSET_FILL);
        gl.polygonOffset(2, 4);
        if (shadowedVertices > 0) drawGround(groundProgram, view, shadow, 0, shadowedVertices);
        if (plainVertices > 0)
          drawGround(plainGroundProgram, view, undefined, shadowedVertices, plainVertices);
        gl.disable(gl.POLYGON_OFFSET_FILL);
        gl.depthMask(true);
      }
      gl.frontFace(gl.CCW);
    },
  };
}
