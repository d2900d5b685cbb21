import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../../../src/core/errors.js';
import { fieldsFromSchema, imageFields, promptField } from '../../../../src/core/replicate/schema.js';
import { allSchemaFixtures, inputNames } from '../../../fixtures/schemas/index.js';

const fixtures = allSchemaFixtures();
const byRef = (ref: string) => {
  const fixture = fixtures.find((f) => f.ref === ref);
  if (!fixture) throw new Error(`no fixture ${ref}`);
  return fieldsFromSchema(fixture.openapi_schema, ref);
};
const field = (ref: string, name: string) => {
  const found = byRef(ref).find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name} in ${ref}`);
  return found;
};

describe('fieldsFromSchema', () => {
  it.each(fixtures.map((f) => [f.ref, f] as const))('reads every input of %s', (ref, fixture) => {
    const fields = fieldsFromSchema(fixture.openapi_schema, ref);
    expect(fields.map((f) => f.name).sort()).toEqual(inputNames(fixture).sort());
    const orders = fields.map((f) => f.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });

  it('reads the real schemas: required, x-order, bounds, defaults, images', () => {
    expect(byRef('minimax/video-01-live').map((f) => [f.name, f.kind, f.required])).toEqual([
      ['prompt', 'longtext', true],
      ['first_frame_image', 'image', true],
      ['prompt_optimizer', 'boolean', false],
    ]);
    expect(field('minimax/video-01', 'first_frame_image')).toMatchObject({ kind: 'image', required: false });
    expect(field('ali-vilab/i2vgen-xl', 'guidance_scale')).toMatchObject({
      kind: 'number',
      min: 1,
      max: 20,
      default: 9,
    });
    expect(field('tencent/hunyuan-video', 'width')).toMatchObject({ kind: 'integer', min: 16, default: 864 });
    expect(field('tencent/hunyuan-video', 'seed').default).toBeUndefined();
    // `format: uri` that is not an image is a file, not an upload slot for a picture.
    expect(field('anotherjesse/zeroscope-v2-xl', 'init_video').kind).toBe('file');
    // `default: null` means "no default".
    expect('default' in field('anotherjesse/zeroscope-v2-xl', 'negative_prompt')).toBe(false);
  });

  it('reads enums through allOf/$ref with the property title, default and description', () => {
    expect(field('anotherjesse/zeroscope-v2-xl', 'model')).toMatchObject({
      kind: 'enum',
      label: 'Model',
      valueType: 'string',
      default: 'xl',
      description: 'Model to use',
      options: [
        { label: 'xl', value: 'xl' },
        { label: '576w', value: '576w' },
        { label: 'potat1', value: 'potat1' },
        { label: 'animov-512x', value: 'animov-512x' },
      ],
    });
    expect(field('lucataco/animate-diff', 'motion_module').options).toHaveLength(3);
  });

  it('reads integer and number enums, inline and referenced', () => {
    expect(field('synthetic/integer-enums', 'duration')).toMatchObject({
      kind: 'enum',
      valueType: 'integer',
      options: [
        { label: '4', value: 4 },
        { label: '6', value: 6 },
      ],
      default: 4,
    });
    expect(field('synthetic/integer-enums', 'fps')).toMatchObject({ kind: 'enum', valueType: 'integer' });
    expect(field('synthetic/integer-enums', 'motion_strength')).toMatchObject({ valueType: 'number' });
    expect(field('synthetic/integer-enums', 'aspect_ratio').options?.map((o) => o.value)).toEqual([
      '16:9',
      '9:16',
      '1:1',
    ]);
  });

  it('finds images in plain strings named like start_image_url and first_frame_image', () => {
    expect(imageFields(byRef('synthetic/integer-enums')).map((f) => f.name)).toEqual([
      'start_image_url',
      'end_image_url',
    ]);
    expect(imageFields(byRef('synthetic/nullable-anyof')).map((f) => f.name)).toEqual([
      'first_frame_image',
      'frame_image_url',
    ]);
    // Counting frames is not an image.
    expect(field('tencent/hunyuan-video', 'video_length').kind).toBe('integer');
    expect(field('anotherjesse/zeroscope-v2-xl', 'num_frames').kind).toBe('integer');
  });

  it('reads nullable, anyOf with null, type lists, oneOf of consts and exclusive bounds', () => {
    const ref = 'synthetic/nullable-anyof';
    expect(field(ref, 'negative_prompt')).toMatchObject({ kind: 'longtext', nullable: true });
    expect(field(ref, 'seed')).toMatchObject({ kind: 'integer', nullable: true });
    expect(field(ref, 'cfg')).toMatchObject({ kind: 'number', nullable: true, min: 0, max: 20 });
    expect(field(ref, 'camera')).toMatchObject({ kind: 'enum', nullable: true, default: 'static' });
    expect(field(ref, 'quality').options?.map((o) => o.value)).toEqual(['fast', 'best']);
    expect(field(ref, 'enhance')).toMatchObject({ kind: 'boolean', default: true });
    expect(field(ref, 'strength')).toMatchObject({ kind: 'number', min: 0, max: 1 });
  });

  it('turns shapes it does not know into text fields instead of failing', () => {
    const ref = 'synthetic/nullable-anyof';
    expect(field(ref, 'size').kind).toBe('text');
    expect(field(ref, 'broken_ref').kind).toBe('text');
    const odd = 'synthetic/arrays-and-odd-shapes';
    expect(field(odd, 'weird_type').kind).toBe('text');
    expect(field(odd, 'anything').kind).toBe('text');
    expect(field(odd, 'not_a_schema').kind).toBe('text');
    expect(field(odd, 'untyped_number')).toMatchObject({ kind: 'number', default: 0.25 });
  });

  it('reads arrays as one value per line, and objects as JSON', () => {
    const ref = 'synthetic/arrays-and-odd-shapes';
    expect(field(ref, 'prompts')).toMatchObject({ kind: 'text', array: true, required: true });
    expect(field(ref, 'reference_images')).toMatchObject({ kind: 'image', array: true, maxItems: 2 });
    expect(field(ref, 'keyframes')).toMatchObject({ kind: 'integer', array: true, min: 0 });
    expect(field(ref, 'keyframes').maxItems).toBeUndefined();
    expect(field(ref, 'styles')).toMatchObject({ kind: 'enum', array: true, maxItems: 2 });
    expect(field(ref, 'camera_path').kind).toBe('json');
    expect(field(ref, 'boxes').kind).toBe('json');
    expect(field(ref, 'audio').kind).toBe('file');
  });

  it("reads an array's maxItems as a whole number of at least one, else as no bound", () => {
    const lists = fieldsFromSchema(
      {
        components: {
          schemas: {
            Input: {
              properties: {
                a: { type: 'array', items: { type: 'string' }, maxItems: 3.5 },
                b: { type: 'array', items: { type: 'string' }, maxItems: 0 },
                c: { type: 'array', maxItems: 4 },
              },
            },
          },
        },
      },
      'acme/lists',
    );
    expect(lists.map((list) => list.maxItems)).toEqual([3, undefined, 4]);
  });

  it("reads an array's minItems above one, within its maxItems, else as no bound", () => {
    const lists = fieldsFromSchema(
      {
        components: {
          schemas: {
            Input: {
              properties: {
                a: { type: 'array', items: { enum: ['x', 'y', 'z'] }, minItems: 2, maxItems: 3 },
                b: { type: 'array', items: { type: 'string' }, minItems: 1.5 },
                c: { type: 'array', items: { type: 'string' }, minItems: 1 },
                d: { type: 'array', items: { type: 'string' }, minItems: 4, maxItems: 3 },
              },
            },
          },
        },
      },
      'acme/lists',
    );
    expect(lists.map((list) => list.minItems)).toEqual([2, 2, undefined, undefined]);
  });

  it('treats prompts and long defaults as paragraphs', () => {
    expect(field('lucataco/animate-diff', 'n_prompt').kind).toBe('longtext');
    expect(field('synthetic/seventy-three-inputs', 'style_preset').kind).toBe('longtext');
    expect(field('synthetic/seventy-three-inputs', 'text_param_1').kind).toBe('text');
  });

  it('puts inputs without x-order after the ordered ones', () => {
    const fields = byRef('synthetic/arrays-and-odd-shapes');
    expect(fields.slice(-2).map((f) => f.name)).toEqual(['anything', 'not_a_schema']);
  });

  it('throws a SchemaError naming the model when the schema is malformed', () => {
    for (const bad of [null, 'text', {}, { components: {} }, { components: { schemas: { Input: 3 } } }]) {
      expect(() => fieldsFromSchema(bad, 'acme/broken')).toThrow(SchemaError);
    }
    const error = (() => {
      try {
        fieldsFromSchema({ components: { schemas: { Input: { properties: [] } } } }, 'acme/broken');
      } catch (e) {
        return e as SchemaError;
      }
    })();
    expect(error?.message).toContain('acme/broken');
    expect(error?.userMessage).toContain('acme/broken');
    expect(
      fieldsFromSchema({ components: { schemas: { Input: { type: 'object' } } } }, 'acme/empty'),
    ).toEqual([]);
  });
});

describe('promptField', () => {
  it('finds prompt, else a prompt-like input that is not negative', () => {
    expect(promptField(byRef('minimax/video-01'))?.name).toBe('prompt');
    expect(promptField(byRef('synthetic/arrays-and-odd-shapes'))?.name).toBe('prompts');
    const fields = byRef('lucataco/animate-diff').filter((f) => f.name !== 'prompt');
    expect(promptField(fields)).toBeUndefined();
    expect(
      promptField([
        { name: 'negative_prompt', label: 'N', kind: 'longtext', required: false, order: 0 },
        { name: 'text_prompt', label: 'T', kind: 'longtext', required: false, order: 1 },
      ])?.name,
    ).toBe('text_prompt');
  });
});
