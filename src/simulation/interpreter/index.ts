import { codeOf } from '../../core/errors.js';
import type { Scene } from '../scene/schema.js';
import { readBuiltin } from './builtin/index.js';
import type { OpenAIInterpreterOptions } from './openai.js';

/** A scene and where it came from. */
export interface Interpretation {
  scene: Scene;
  interpreter: 'openai' | 'builtin';
  /** Why the built-in interpreter stepped in for OpenAI, e.g. `SCENE_INTERPRETER_FAILED: ...`. */
  fallbackReason?: string;
  /** What the built-in interpreter understood, e.g. "8 blue balls, a ramp, a wall of 15 yellow boxes". */
  reading?: string;
}

/**
 * Turns a sentence into a scene: with OpenAI when `options.openai` is given (config.openai), with
 * the built-in interpreter otherwise, or when the model call fails or answers nonsense. The
 * built-in interpreter is deterministic: the same prompt and seed give the same scene.
 */
export async function interpretPrompt(
  prompt: string,
  options: {
    seed?: number;
    openai?: OpenAIInterpreterOptions;
    /** The frame size the video will have, which the camera is placed for. */
    resolution?: { width: number; height: number };
  } = {},
): Promise<Interpretation> {
  const seed = options.seed ?? 0;
  const builtin = () => readBuiltin(prompt, seed, options.resolution);
  if (options.openai) {
    try {
      // Loaded on first use: the OpenAI library costs a bot that never simulates about 10 MB.
      const { interpretWithOpenAI } = await import('./openai.js');
      return { scene: await interpretWithOpenAI(prompt, seed, options.openai), interpreter: 'openai' };
    } catch (error) {
      const reason = `${codeOf(error)}: ${error instanceof Error ? error.message : String(error)}`;
      return { ...builtin(), interpreter: 'builtin', fallbackReason: reason };
    }
  }
  return { ...builtin(), interpreter: 'builtin' };
}
