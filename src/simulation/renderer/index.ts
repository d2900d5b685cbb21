import type { Scene } from '../scene/schema.js';
import { cameraAt } from './camera.js';
import { acquireGlContext, type GlContext } from './context.js';
import { dirtyRect, movedBodies } from './dirty.js';
import { createSceneDrawer, type FrameView, type PixelRect } from './draw.js';
import { multiply } from './math.js';
import { createShadowTarget, fitLight, type LightFit, shadowArea } from './shadow.js';
import type { Bounds } from './shadow-fit.js';
import {
  createEdgeSmoothingPass,
  createResolvePass,
  createSupersampleTarget,
  smoothingReach,
} from './targets.js';

/** How hard the renderer works for each frame. */
export interface RenderQuality {
  /** Samples per pixel along each axis: 1 (none), 2 or 4. */
  supersample: 1 | 2 | 4;
  /** Edge of the square shadow map, in texels. */
  shadowMapSize: number;
  /** Shadow map reads per pixel: 4 (filtered edges) or 1 (supersampling does the filtering). */
  shadowTaps: 1 | 4;
  /**
   * Redraw only the part of a frame that changed (what moved, and its shadows), keeping the rest
   * of the previous frame. The frames are the same as full redraws, at a fraction of the work.
   */
  partialRedraw: boolean;
  /**
   * Under a still camera, draw the ground's grid, light and fog once and read them back in every
   * frame, rather than work them out for every pixel again (see ground.ts).
   */
  bakedGround: boolean;
  /**
   * Without supersampling, smooth the stair steps along edges in one pass over the drawn frame
   * (see smoothEdgesFragment): anti-aliasing at a fraction of 2x2 supersampling's cost.
   */
  smoothEdges: boolean;
}

/**
 * What two cores afford. llvmpipe pays for every shaded pixel and every texture read, so 2x2
 * supersampling is the default up to about 0.5 megapixels a frame (4x that many samples). Larger
 * frames are drawn once per pixel, with filtered shadows and derivative-smoothed grid lines, and
 * their edges smoothed afterwards: 2x2 supersampling at 1280x720 costs 2.7 times the CPU and takes
 * the 3-second, 100-body benchmark video from about 2.3 s to about 4 s.
 */
export function defaultQuality(width: number, height: number): RenderQuality {
  const supersample = width * height <= 960 * 540 ? 2 : 1;
  return {
    supersample,
    shadowMapSize: 1024,
    shadowTaps: supersample > 1 ? 1 : 4,
    partialRedraw: true,
    bakedGround: true,
    smoothEdges: supersample === 1,
  };
}

/** Draws frames of one scene and reads them back as top-down RGBA rows. */
export interface FrameRenderer {
  readonly width: number;
  readonly height: number;
  readonly quality: RenderQuality;
  /**
   * Fits the shadow map around `bounds` (see shadow-fit.ts): before the first `draw`, and again
   * whenever the bodies leave the box. The next frame is then drawn whole.
   */
  fitShadows(bounds: Bounds): void;
  /**
   * Draws frame `index` with the given body poses (7 floats per body, scene order). It returns once
   * the passes are handed to the rasteriser (gl.flush), not drawn: `read` waits for them.
   */
  draw(index: number, poses: Float32Array): void;
  /**
   * Waits for the drawing to finish and copies the frame into `into` (width * height * 4 bytes).
   * A buffer this renderer filled before gets only the rows drawn since.
   */
  read(into: Uint8Array): void;
  dispose(): void;
}

// Renders upside down, so that rows come back from readPixels top first, as video wants them.
// biome-ignore format: a matrix reads better in columns
const flipY = new Float32Array([1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

/**
 * Creates the GL context and everything the scene needs on the GPU, before the physics is done:
 * `fitShadows` then fits the shadows to where the bodies are. Must run in a process whose DISPLAY names a
 * live X server (the render worker).
 */
export function createRenderer(scene: Scene, quality?: Partial<RenderQuality>): FrameRenderer {
  const ctx = acquireGlContext();
  try {
    return buildRenderer(scene, quality, ctx);
  } catch (error) {
    // A scene the GL cannot take (too large, say) leaves nothing behind in the shared context.
    ctx.release();
    throw error;
  }
}

function buildRenderer(
  scene: Scene,
  quality: Partial<RenderQuality> | undefined,
  ctx: GlContext,
): FrameRenderer {
  const { width, height } = scene.resolution;
  const q: RenderQuality = { ...defaultQuality(width, height), ...quality };
  const { gl } = ctx;
  // The frame is the scene target resolved, or smoothed, into a copy; or else the target itself.
  const smooth = q.supersample === 1 && q.smoothEdges;
  // Kept for the next video of this size: the first frame of a video is drawn whole, over all of them.
  const { target, frame } = ctx.keep('frame targets', `${width}x${height}x${q.supersample}:${smooth}`, () => {
    const target = createSupersampleTarget(gl, width, height, q.supersample);
    const frame =
      q.supersample > 1 || smooth
        ? createSupersampleTarget(gl, width, height, 1, smooth ? target.depth : undefined)
        : target;
    return { target, frame };
  });
  const finish =
    q.supersample > 1
      ? createResolvePass(gl, target, frame)
      : smooth
        ? createEdgeSmoothingPass(gl, target, frame)
        : undefined;
  // The frame pixels that a changed rectangle of the scene target reaches through `finish`.
  const finishedArea = (rect: PixelRect) =>
    smooth ? grow(rect, smoothingReach, width, height) : scaleDown(rect, q.supersample, width, height);
  const shadow = scene.lights.directional.shadows
    ? ctx.keep('shadow map', String(q.shadowMapSize), () => createShadowTarget(gl, q.shadowMapSize))
    : undefined;
  const drawer = createSceneDrawer(ctx, scene, {
    pixelsPerMetre: (height * q.supersample) / 2 / Math.tan((scene.camera.fov * Math.PI) / 360),
    shadowTaps: q.shadowTaps,
  });
  let light: LightFit | undefined;
  const aspect = width / height;
  const still = !scene.camera.orbit;
  const viewAt = (index: number): FrameView => {
    const camera = cameraAt(scene, index / scene.fps, aspect);
    return {
      viewProjection: multiply(flipY, camera.viewProjection),
      cameraPosition: camera.position,
      lightViewProjection: light?.viewProjection ?? flipY,
      shadowBias: light?.texelBias ?? 0,
      fogStart: camera.fogStart,
      fogEnd: camera.fogEnd,
    };
  };
  const [dx, dy, dz] = scene.lights.directional.direction;
  const toLight = [-dx, -dy, -dz].map((v) => v / Math.hypot(dx, dy, dz));
  let previous: Float32Array | undefined;
  /** The rows of the frame each draw changed, from its first row to before its last. */
  const changedRows: { from: number; to: number }[] = [];
  /** How many draws' rows each buffer read before holds (buffers of this video only). */
  const readUpTo = new WeakMap<Uint8Array, number>();
  if (still && q.bakedGround) {
    drawer.bakeGround(viewAt(0), target);
    // Handed to llvmpipe's threads now, so that the ground is drawn while the physics of the first
    // second runs (see shadow-fit.ts), not after it, in front of the first frame.
    gl.flush();
  }

  return {
    width,
    height,
    quality: q,
    fitShadows(bounds) {
      const { direction } = scene.lights.directional;
      light = fitLight(direction, bounds, q.shadowMapSize);
      if (shadow) drawer.setShadowArea(shadowArea(direction, bounds));
      // Every shadow texel moved: what the frame before kept is no longer the same.
      previous = undefined;
    },
    draw(index, poses) {
      const changed = drawFrame(index, poses);
      changedRows.push(
        !changed
          ? { from: 0, to: height }
          : changed.height === 0 || changed.width === 0
            ? { from: height, to: 0 }
            : { from: changed.y, to: changed.y + changed.height },
      );
      // llvmpipe starts rasterising what is queued on a flush, and the caller has other waits
      // (ffmpeg's pipe) before it reads the frame back.
      gl.flush();
    },
    read(into) {
      // A frame buffer back from ffmpeg still holds the frame it carried: of a 720p frame, readPixels
      // then copies (and waits for) the band of rows drawn since, not all 3.7 MB. The rows of the
      // frame are whole rows of the buffer, so the band is read straight into its place.
      const since = readUpTo.get(into);
      let from = since === undefined ? 0 : height;
      let to = since === undefined ? height : 0;
      for (let draw = since ?? changedRows.length; draw < changedRows.length; draw++) {
        from = Math.min(from, changedRows[draw]!.from);
        to = Math.max(to, changedRows[draw]!.to);
      }
      readUpTo.set(into, changedRows.length);
      if (to <= from) return;
      gl.bindFramebuffer(gl.FRAMEBUFFER, frame.framebuffer);
      const row = width * 4;
      gl.readPixels(
        0,
        from,
        width,
        to - from,
        gl.RGBA,
        gl.UNSIGNED_BYTE,
        into.subarray(from * row, to * row),
      );
    },
    dispose() {
      ctx.release();
    },
  };

  /** Draws a frame; returns the rectangle of the frame that changed, or undefined for all of it. */
  function drawFrame(index: number, poses: Float32Array): PixelRect | undefined {
    if (!light) throw new Error('FrameRenderer.fitShadows must come before draw');
    const view = viewAt(index);
    if (!previous || !q.partialRedraw) {
      drawer.setPoses(poses);
      if (shadow) drawer.drawShadow(shadow, view);
      drawer.drawScene(target, view, shadow);
      finish?.draw();
      previous = poses.slice();
      return undefined;
    }
    // Only what moved is drawn again: bodies at rest keep their poses bit for bit, and with a
    // still camera everything outside the moved bodies and their shadows stays as it was.
    const moved = movedBodies(previous, poses);
    if (moved.length === 0 && still) return nothing;
    if (moved.length > 0) {
      drawer.setPoses(poses);
      if (shadow) {
        const size = shadow.size;
        drawer.drawShadow(
          shadow,
          view,
          dirtyRect(scene, moved, previous, poses, light.viewProjection, size, size),
        );
      }
    }
    const dirty = still
      ? dirtyRect(scene, moved, previous, poses, view.viewProjection, target.width, target.height, toLight)
      : undefined;
    previous = poses.slice();
    if (dirty?.width === 0) return nothing;
    drawer.drawScene(target, view, shadow, dirty);
    const changed = dirty && finishedArea(dirty);
    finish?.draw(changed);
    return changed;
  }
}

const nothing: PixelRect = { x: 0, y: 0, width: 0, height: 0 };

/** `rect` grown by `margin` pixels on every side, within a `width` x `height` frame. */
function grow(rect: PixelRect, margin: number, width: number, height: number): PixelRect {
  const x = Math.max(0, rect.x - margin);
  const y = Math.max(0, rect.y - margin);
  return {
    x,
    y,
    width: Math.min(width, rect.x + rect.width + margin) - x,
    height: Math.min(height, rect.y + rect.height + margin) - y,
  };
}

/** A rectangle of supersampled pixels as the frame pixels that cover it. */
function scaleDown(rect: PixelRect, factor: number, width: number, height: number): PixelRect {
  const x = Math.floor(rect.x / factor);
  const y = Math.floor(rect.y / factor);
  return {
    x,
    y,
    width: Math.min(width, Math.ceil((rect.x + rect.width) / factor)) - x,
    height: Math.min(height, Math.ceil((rect.y + rect.height) / factor)) - y,
  };
}
