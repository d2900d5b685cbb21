import type { VideoAspect, VideoChoices, VideoQuality } from '../core/generations/video-choices.js';
import type { RenderQuality } from './renderer/index.js';
import type { Scene } from './scene/schema.js';

/** The short side of each quality, in pixels: 480p drafts, 720p as before, 1080p high. */
const shortSide: Record<VideoQuality, number> = { draft: 480, standard: 720, high: 1080 };

const even = (value: number) => Math.round(value / 2) * 2;

/** Which of the offered shapes a frame is nearest to: wide, tall or square. */
function aspectOf({ width, height }: { width: number; height: number }): VideoAspect {
  return width > height ? '16:9' : width < height ? '9:16' : '1:1';
}

/**
 * The frame size for the chosen aspect and quality; undefined when neither was chosen. Without a
 * chosen aspect the frame keeps the shape of `current` (a scene's own frame) when given, else 16:9.
 */
export function resolutionOf(
  choices: VideoChoices | undefined,
  current?: { width: number; height: number },
): { width: number; height: number } | undefined {
  if (!choices?.aspect && !choices?.quality) return undefined;
  const short = shortSide[choices.quality ?? 'standard'];
  const long = even((short * 16) / 9);
  const sizes: Record<VideoAspect, { width: number; height: number }> = {
    '16:9': { width: long, height: short },
    '9:16': { width: short, height: long },
    '1:1': { width: short, height: short },
  };
  return sizes[choices.aspect ?? (current ? aspectOf(current) : '16:9')];
}

/**
 * How finely each quality draws. Draft draws each pixel once with a small shadow map, smoothing
 * only edges; standard keeps the renderer's defaults; high supersamples 2x2 with a large shadow
 * map, four times the drawing of standard.
 */
export function renderQualityOf(quality: VideoQuality | undefined): Partial<RenderQuality> | undefined {
  switch (quality) {
    case 'draft':
      return { supersample: 1, shadowMapSize: 512, shadowTaps: 4, smoothEdges: true };
    case 'high':
      return { supersample: 2, shadowMapSize: 2048, shadowTaps: 1, smoothEdges: false };
    default:
      return undefined;
  }
}

/**
 * The scene with the chosen length and frame size. A quality chosen alone keeps the scene's shape:
 * a tall scene file (a 9:16 video's Scene button) sent back at another quality stays tall.
 */
export function applyVideoChoices(scene: Scene, choices: VideoChoices | undefined): Scene {
  const resolution = resolutionOf(choices, scene.resolution);
  return {
    ...scene,
    ...(choices?.duration !== undefined ? { duration: choices.duration } : {}),
    ...(resolution ? { resolution } : {}),
  };
}
