import type { VideoAspect, VideoChoices, VideoQuality } from '../core/generations/video-choices.js';
import type { RenderQuality } from './renderer/index.js';
import type { Scene } from './scene/schema.js';

/** The short side of each quality, in pixels: 480p drafts, 720p as before, 1080p high. */
const shortSide: Record<VideoQuality, number> = { draft: 480, standard: 720, high: 1080 };

const even = (value: number) => Math.round(value / 2) * 2;

/** The frame size for the chosen aspect and quality; undefined when neither was chosen. */
export function resolutionOf(
  choices: VideoChoices | undefined,
): { width: number; height: number } | undefined {
  if (!choices?.aspect && !choices?.quality) return undefined;
  const short = shortSide[choices.quality ?? 'standard'];
  const long = even((short * 16) / 9);
  const sizes: Record<VideoAspect, { width: number; height: number }> = {
    '16:9': { width: long, height: short },
    '9:16': { width: short, height: long },
    '1:1': { width: short, height: short },
  };
  return sizes[choices.aspect ?? '16:9'];
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

/** The scene with the chosen length and frame size. */
export function applyVideoChoices(scene: Scene, choices: VideoChoices | undefined): Scene {
  const resolution = resolutionOf(choices);
  return {
    ...scene,
    ...(choices?.duration !== undefined ? { duration: choices.duration } : {}),
    ...(resolution ? { resolution } : {}),
  };
}
