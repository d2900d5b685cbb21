import type { VideoChoices } from '../core/generations/video-choices.js';
import { type Interpretation, interpretPrompt } from './interpreter/index.js';
import type { OpenAIInterpreterOptions } from './interpreter/openai.js';
import { applyVideoChoices, resolutionOf } from './video-choices.js';

/**
 * A sentence read into the scene of a video with the person's choices, as `/simulate` and
 * `reelbot simulate` both make it. A chosen aspect frames the scene (a tall video is filmed tall,
 * not cropped); without one the sentence's own shape stands ("a vertical video of ..."), and a
 * chosen quality only sizes it, as it does a scene file's.
 */
export async function sceneOfSentence(
  prompt: string,
  options: { seed?: number; video?: VideoChoices; openai?: OpenAIInterpreterOptions },
): Promise<Interpretation> {
  const { video } = options;
  const interpretation = await interpretPrompt(prompt, {
    seed: options.seed,
    openai: options.openai,
    resolution: video?.aspect ? resolutionOf(video) : undefined,
  });
  return { ...interpretation, scene: applyVideoChoices(interpretation.scene, video) };
}
