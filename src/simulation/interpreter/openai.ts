import OpenAI from 'openai';
import { SimulationError } from '../../core/errors.js';
import { clampSceneInput } from '../scene/clamp.js';
import { sceneJsonSchema } from '../scene/json-schema.js';
import type { Scene } from '../scene/schema.js';
import { parseScene } from '../scene/validate.js';

/** How to reach the model: `config.openai`, plus knobs for tests. */
export interface OpenAIInterpreterOptions {
  apiKey: string;
  /** `OPENAI_BASE_URL`; the library's default when absent. */
  baseUrl?: string;
  model: string;
  timeoutMs?: number;
  /** Retries of the client itself; a failure falls back to the built-in interpreter anyway. */
  maxRetries?: number;
  fetch?: typeof fetch;
}

const instructions = `You turn a sentence into a physics scene for a short video, as JSON that fits the given schema.
Units are metres, seconds, kilograms and degrees. The y axis points up and the ground is the plane y = 0.
"size" is the full extent along x, y, z: a box's edges; a sphere's diameter in size[0]; a cylinder's or capsule's diameter in size[0] and total height in size[1].
Put every object fully above the ground (position y at least half its height) and make objects touch without overlapping.
Use "static" for ramps, walls and floors that must not move; give moving things a velocity when the sentence says they are thrown or rolling.
Give objects made of steel, rubber, wood, ice or glass a "material" (metal, rubber, wood, ice, glass): it sets how they slide, bounce, weigh and shine, and glass is see-through.
Colours are "#rrggbb". Aim the camera ("position" and "lookAt") so that everything that happens stays in view.
Keep to what the sentence asks; leave out fields you do not need, their defaults are sensible.`;

/**
 * Asks an OpenAI chat model for a scene with structured output (a JSON schema made from the zod
 * scene schema), then clamps it into bounds and validates it.
 * @throws {SimulationError} `SCENE_INTERPRETER_FAILED` when the call fails or the answer is unusable.
 */
export async function interpretWithOpenAI(
  prompt: string,
  seed: number,
  options: OpenAIInterpreterOptions,
): Promise<Scene> {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 1,
    fetch: options.fetch,
  });
  let content: string | null | undefined;
  try {
    const completion = await client.chat.completions.create({
      model: options.model,
      messages: [
        { role: 'system', content: instructions },
        { role: 'user', content: prompt },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'physics_scene', schema: sceneJsonSchema(), strict: false },
      },
      seed,
    });
    const choice = completion.choices[0];
    if (choice?.message.refusal) throw new Error(`the model refused: ${choice.message.refusal}`);
    content = choice?.message.content;
  } catch (error) {
    throw new SimulationError(
      'SCENE_INTERPRETER_FAILED',
      `OpenAI (${options.model}) could not interpret the prompt: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(content ?? '');
  } catch (error) {
    throw new SimulationError(
      'SCENE_INTERPRETER_FAILED',
      `OpenAI (${options.model}) answered with malformed JSON`,
      {
        cause: error,
      },
    );
  }
  let scene: Scene;
  try {
    scene = parseScene({ ...clampSceneInput(raw), seed });
  } catch (error) {
    throw new SimulationError(
      'SCENE_INTERPRETER_FAILED',
      `OpenAI (${options.model}) answered with an unusable scene`,
      {
        cause: error,
      },
    );
  }
  // Nothing left after clamping means the answer was no scene of this sentence at all.
  if (scene.objects.length === 0)
    throw new SimulationError(
      'SCENE_INTERPRETER_FAILED',
      `OpenAI (${options.model}) answered with an unusable scene: no objects`,
    );
  return scene;
}
