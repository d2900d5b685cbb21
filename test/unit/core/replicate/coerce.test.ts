import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors.js';
import { coerceInput, type RawValue } from '../../../../src/core/replicate/coerce.js';
import { fieldsFromSchema } from '../../../../src/core/replicate/schema.js';
import type { Field } from '../../../../src/core/replicate/schema-types.js';
import { allSchemaFixtures } from '../../../fixtures/schemas/index.js';

function fieldsOf(ref: string): Field[] {
  const fixture = allSchemaFixtures().find((f) => f.ref === ref)!;
  return fieldsFromSchema(fixture.openapi_schema, ref);
}

function problemsOf(fields: Field[], values: Record<string, RawValue>) {
  try {
    coerceInput(fields, values);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

const enums = fieldsOf('synthetic/integer-enums');
const image = 'https://example.com/cat.png';

describe('coerceInput', () => {
  it('types every kind and leaves out untouched defaults', () => {
    const input = coerceInput(enums, {
      prompt: '  a cat\non a skateboard  ',
      start_image_url: image,
      end_image_url: '',
      duration: '6',
      resolution: '720p',
      fps: ['30'],
      aspect_ratio: '9:16',
      motion_strength: '1.5',
      steps: '30',
      loop: 'yes',
    });
    expect(input).toEqual({
      prompt: 'a cat\non a skateboard',
      start_image_url: image,
      duration: 6,
      fps: 30,
      aspect_ratio: '9:16',
      motion_strength: 1.5,
      loop: true,
    });
  });

  it('says what is wrong, one message per bad field', () => {
    const problems = problemsOf(enums, {
      prompt: '',
      start_image_url: 'not a link',
      duration: '5',
      fps: '25',
      resolution: '4k',
      steps: '101',
      motion_strength: 'fast',
      loop: 'maybe',
    });
    expect(problems).toEqual([
      { field: 'prompt', message: 'prompt is required' },
      { field: 'start_image_url', message: 'start_image_url must be a link (https://...)' },
      { field: 'duration', message: 'duration must be one of 4, 6' },
      { field: 'resolution', message: 'resolution must be one of 480p, 720p, 1080p' },
      { field: 'fps', message: 'fps must be one of 16, 24, 30' },
      { field: 'motion_strength', message: 'motion_strength must be one of 0.5, 1, 1.5' },
      { field: 'steps', message: 'steps must be between 1 and 100' },
      { field: 'loop', message: 'loop must be yes or no' },
    ]);
  });

  it('checks whole numbers and bounds on one side', () => {
    const fields = fieldsOf('ali-vilab/i2vgen-xl');
    const base = { image, prompt: 'x' };
    expect(problemsOf(fields, { ...base, seed: '1.5' })).toEqual([
      { field: 'seed', message: 'seed must be a whole number' },
    ]);
    expect(problemsOf(fields, { ...base, seed: '12abc' })).toEqual([
      { field: 'seed', message: 'seed must be a whole number' },
    ]);
    expect(problemsOf(fields, { ...base, max_frames: '1' })).toEqual([
      { field: 'max_frames', message: 'max_frames must be at least 2' },
    ]);
    expect(problemsOf(fields, { ...base, guidance_scale: 'lots' })).toEqual([
      { field: 'guidance_scale', message: 'guidance_scale must be a number' },
    ]);
    expect(problemsOf(fields, { ...base, guidance_scale: '0x10' })[0]?.field).toBe('guidance_scale');
    expect(coerceInput(fields, { ...base, seed: '-3', guidance_scale: '12.5', max_frames: '32' })).toEqual({
      ...base,
      seed: -3,
      guidance_scale: 12.5,
      max_frames: 32,
    });
    // 50 is the default: Replicate applies it itself.
    expect(coerceInput(fields, { ...base, num_inference_steps: '50' })).toEqual(base);
    expect(coerceInput(fields, { ...base, num_inference_steps: '5e1' })).toEqual(base);
  });

  it('reads booleans from text, checkbox groups and real booleans', () => {
    const fields = fieldsOf('minimax/video-01');
    const base = { prompt: 'x' };
    for (const [raw, expected] of [
      ['false', { prompt_optimizer: false }],
      ['No', { prompt_optimizer: false }],
      ['true', {}],
      [false, { prompt_optimizer: false }],
      [[], { prompt_optimizer: false }],
      [['true'], {}],
      [['false'], { prompt_optimizer: false }],
      [undefined, {}],
      ['', {}],
    ] as const) {
      expect(coerceInput(fields, { ...base, prompt_optimizer: raw as RawValue })).toEqual({
        ...base,
        ...expected,
      });
    }
  });

  it('reads arrays one per line and checks each item', () => {
    const fields = fieldsOf('synthetic/arrays-and-odd-shapes');
    const input = coerceInput(fields, {
      prompts: 'a cat\n\n a dog \n',
      reference_images: [image, 'https://example.com/dog.webp'],
      keyframes: '0\n12\n24',
      styles: ['anime', 'watercolor'],
      camera_path: '{"x": [0, 1]}',
      boxes: '[[0, 1, 2, 3]]',
      audio: 'https://example.com/song.mp3',
    });
    expect(input).toEqual({
      prompts: ['a cat', 'a dog'],
      reference_images: [image, 'https://example.com/dog.webp'],
      keyframes: [0, 12, 24],
      styles: ['anime', 'watercolor'],
      camera_path: { x: [0, 1] },
      boxes: [[0, 1, 2, 3]],
      audio: 'https://example.com/song.mp3',
    });
    expect(
      problemsOf(fields, {
        prompts: 'ok',
        keyframes: '1\n-2',
        styles: ['cubism'],
        camera_path: '{x: 1}',
        reference_images: 'ftp://example.com/a.png',
      }),
    ).toEqual([
      { field: 'reference_images', message: 'reference_images must be a link (https://...)' },
      { field: 'keyframes', message: 'keyframes must be at least 0' },
      { field: 'styles', message: 'styles must be one of anime, realistic, watercolor' },
      { field: 'camera_path', message: 'camera_path must be valid JSON' },
    ]);
    expect(problemsOf(fields, { prompts: '\n \n' })).toEqual([
      { field: 'prompts', message: 'prompts is required' },
    ]);
  });

  it("refuses a list typed past the schema's maxItems, by the input's name, and takes one at the bound", () => {
    const fields = fieldsOf('synthetic/arrays-and-odd-shapes');
    const links = ['https://example.com/a.png', 'https://example.com/b.png', 'https://example.com/c.png'];
    expect(problemsOf(fields, { prompts: 'a fox', reference_images: links.join('\n') })).toEqual([
      { field: 'reference_images', message: 'reference_images takes at most 2 images; 3 were given' },
    ]);
    // Blank lines are no values: two links between them are within the bound.
    expect(
      coerceInput(fields, { prompts: 'a fox', reference_images: `${links[0]}\n\n${links[1]}\n` }),
    ).toMatchObject({ reference_images: links.slice(0, 2) });
    // A text list, one per line, as a paragraph input hands it over.
    const tags: Field = {
      name: 'tags',
      label: 'Tags',
      kind: 'text',
      array: true,
      maxItems: 1,
      required: false,
      order: 0,
    };
    expect(() => coerceInput([tags], { tags: 'fox' })).not.toThrow();
    expect(problemsOf([tags], { tags: 'fox\nsnow' })).toEqual([
      { field: 'tags', message: 'tags takes one value; 2 were given' },
    ]);
  });

  it("refuses a multi-select past its maxItems or short of its minItems, by the input's name", () => {
    const fields = fieldsOf('synthetic/arrays-and-odd-shapes');
    // A select answers with a list of values; Slack's multi-select holds no least count at all.
    expect(problemsOf(fields, { prompts: 'a fox', styles: ['anime', 'realistic', 'watercolor'] })).toEqual([
      { field: 'styles', message: 'styles takes at most 2 values; 3 were given' },
    ]);
    const pair = fields.map((field) => (field.name === 'styles' ? { ...field, minItems: 2 } : field));
    expect(problemsOf(pair, { prompts: 'a fox', styles: ['anime'] })).toEqual([
      { field: 'styles', message: 'styles takes at least 2 values; 1 was given' },
    ]);
    expect(coerceInput(pair, { prompts: 'a fox', styles: ['anime', 'realistic'] })).toMatchObject({
      styles: ['anime', 'realistic'],
    });
    // An optional list left empty is no list: the model's own default applies.
    expect(coerceInput(pair, { prompts: 'a fox', styles: [] })).not.toHaveProperty('styles');
  });

  it('takes enum values case-insensitively and by label, and names a few of many values', () => {
    const fields = fieldsOf('synthetic/seventy-three-inputs');
    const base = { prompt: 'x', image };
    expect(coerceInput(fields, { ...base, sampler: 'SAMPLER_07' })).toEqual({
      ...base,
      sampler: 'sampler_07',
    });
    const [problem] = problemsOf(fields, { ...base, lora_name: 'nope' });
    expect(problem?.message).toMatch(/^lora_name must be one of lora_000, lora_001, .*, \.\.\.$/);
  });

  it('keeps a required image for later when one is attached for it, and ignores keys that are not inputs', () => {
    const fields = fieldsOf('minimax/video-01-live');
    expect(problemsOf(fields, { prompt: 'x' })).toEqual([
      { field: 'first_frame_image', message: 'first_frame_image is required' },
    ]);
    expect(coerceInput(fields, { prompt: 'x', other: 'y' }, { attached: { first_frame_image: 1 } })).toEqual({
      prompt: 'x',
    });
  });

  it('accepts a default typed back unchanged and drops it, and empty optional values', () => {
    const fields = fieldsOf('anotherjesse/zeroscope-v2-xl');
    expect(
      coerceInput(fields, {
        prompt: 'An astronaut riding a horse',
        model: 'xl',
        seed: '',
        remove_watermark: 'false',
        negative_prompt: '   ',
        init_weight: '0.5',
      }),
    ).toEqual({});
  });

  it('gives users one sentence listing every problem', () => {
    const error = (() => {
      try {
        coerceInput(enums, { prompt: '', start_image_url: image, duration: '5' });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.code).toBe('INPUT_INVALID');
    expect(error?.userMessage).toBe('Please fix: prompt is required; duration must be one of 4, 6.');
  });
});
