import { imageFields, promptField } from '../replicate/schema.js';
import type { Field } from '../replicate/schema-types.js';
import { imageValue, randomSeed, seedField } from './input.js';

/**
 * The input of a chain's next part: the last frame in the model's first image input, the prompt,
 * a fresh seed. The same model keeps every setting of the clip (`kept`, its input); another model
 * gets only what it surely takes.
 *
 * An image input that takes a list (`reference_images`) gets the frame first. With the same model
 * the frame takes the place of the clip's first image and the rest of the list stays: the part goes
 * on from where the clip ended, with the references the person gave (a character, a style) still
 * there, and the list keeps its length along the chain rather than gathering every earlier frame
 * (and never passes the schema's `maxItems`: `imageValue` drops the last reference first).
 */
export function continuationInput(options: {
  fields: Field[];
  frameUrl: string;
  prompt?: string;
  /** The clip's own input, when the same model continues it. */
  kept?: Record<string, unknown>;
  /** True when `prompt` is the clip's own: the kept input already holds it, a list of them too. */
  keepsPrompt?: boolean;
}): Record<string, unknown> {
  const { fields, frameUrl, prompt, kept, keepsPrompt } = options;
  const input: Record<string, unknown> = kept ? { ...kept } : {};
  const promptInput = promptField(fields);
  if (promptInput && prompt && !(kept && keepsPrompt))
    input[promptInput.name] = promptInput.array ? [prompt] : prompt;
  const image = imageFields(fields)[0]!;
  const keptImages = input[image.name];
  input[image.name] = imageValue(image, [frameUrl], Array.isArray(keptImages) ? keptImages.slice(1) : []);
  const seed = seedField(fields);
  if (seed) input.seed = randomSeed(seed);
  return input;
}
