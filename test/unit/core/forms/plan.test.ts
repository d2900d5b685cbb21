import { describe, expect, it } from 'vitest';
import { type FormLimits, pageOf, planForm, truncate } from '../../../../src/core/forms/plan.js';
import { maxPromptChars } from '../../../../src/core/prompt-limit.js';
import { fieldsFromSchema } from '../../../../src/core/replicate/schema.js';
import type { Field } from '../../../../src/core/replicate/schema-types.js';
import { allSchemaFixtures } from '../../../fixtures/schemas/index.js';

const limits: FormLimits = {
  maxPerPage: 5,
  labelMax: 45,
  descriptionMax: 100,
  placeholderMax: 100,
  optionLimit: 25,
  optionLabelMax: 100,
  optionValueMax: 100,
  initialValueMax: 4000,
};

function fieldsOf(ref: string): Field[] {
  const fixture = allSchemaFixtures().find((f) => f.ref === ref)!;
  return fieldsFromSchema(fixture.openapi_schema, ref);
}

const names = (page: { fields: { field: Field }[] }) => page.fields.map((p) => p.field.name);

describe('truncate', () => {
  it('cuts with an ellipsis that counts toward the limit', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('exactly ten', 11)).toBe('exactly ten');
    expect(truncate('a long label that goes on', 10)).toBe('a long la…');
    expect(truncate('a long label that goes on', 10)).toHaveLength(10);
    // Never leaves half of a surrogate pair behind.
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});

describe('planForm', () => {
  it.each(allSchemaFixtures().map((f) => [f.ref] as const))(
    'puts every input of %s on exactly one page',
    (ref) => {
      const fields = fieldsOf(ref);
      const plan = planForm(fields, limits);
      const placed = plan.pages.flatMap(names);
      expect(placed.sort()).toEqual(fields.map((f) => f.name).sort());
      expect(plan.pages.every((page) => page.fields.length >= 1 && page.fields.length <= 5)).toBe(true);
    },
  );

  it('puts required inputs first, then the first by x-order, keeping schema order within a page', () => {
    const plan = planForm(fieldsOf('ali-vilab/i2vgen-xl'), limits);
    expect(plan.pages.map(names)).toEqual([
      ['image', 'prompt', 'max_frames', 'num_inference_steps', 'guidance_scale'],
      ['seed'],
    ]);
    expect(plan.pages.map((p) => p.hasRequired)).toEqual([true, false]);

    // seed (x-order 13) is not required: the required ones pull ahead of lower x-orders.
    const fields = fieldsOf('anotherjesse/zeroscope-v2-xl').map((f) =>
      f.name === 'seed' || f.name === 'fps' ? { ...f, required: true } : f,
    );
    const zeroscope = planForm(fields, limits);
    expect(names(zeroscope.pages[0]!)).toEqual(['prompt', 'negative_prompt', 'init_video', 'fps', 'seed']);
    expect(pageOf(zeroscope, 'model')).toBe(2);
    expect(pageOf(zeroscope, 'nothing')).toBe(-1);
  });

  it('chooses controls by kind and falls back to text for enums with too many values', () => {
    const plan = planForm(fieldsOf('synthetic/seventy-three-inputs'), limits);
    const planned = Object.fromEntries(plan.pages.flatMap((p) => p.fields).map((p) => [p.field.name, p]));
    expect(planned.prompt?.control).toBe('paragraph');
    expect(planned.image?.control).toBe('upload');
    expect(planned.duration?.control).toBe('select');
    expect(planned.sampler?.control).toBe('short-text');
    expect(planned.sampler?.placeholder).toBe(
      'One of: sampler_00, sampler_01, sampler_02, sampler_03, sampler_04, sampler_05, …',
    );
    expect(planned.int_param_3).toMatchObject({
      control: 'number',
      initialValue: '3',
      placeholder: 'Whole number from 0 to 103',
    });
    expect(planned.flag_0).toMatchObject({ control: 'boolean', initialValue: 'true' });
    expect(planned.tags).toMatchObject({ control: 'paragraph', multiple: true, placeholder: 'One per line' });
    // A list with a bound says it where the person types, before a submit would refuse more.
    const bounded = planForm([{ ...planned.tags!.field, maxItems: 3 }], limits).pages[0]!.fields[0];
    expect(bounded?.placeholder).toBe('One per line, at most 3');
    expect(planned.mask).toMatchObject({ control: 'short-text', placeholder: 'https://…' });
    expect(planned.extra_json?.control).toBe('paragraph');

    const roomy = planForm(fieldsOf('synthetic/seventy-three-inputs'), { ...limits, optionLimit: 100 });
    const sampler = roomy.pages.flatMap((p) => p.fields).find((p) => p.field.name === 'sampler');
    expect(sampler?.control).toBe('select');
    expect(sampler?.options?.filter((o) => o.isDefault).map((o) => o.value)).toEqual(['sampler_00']);
  });

  it('cuts labels, descriptions and placeholders to the limits, and skips defaults too long to pre-fill', () => {
    const plan = planForm(fieldsOf('synthetic/seventy-three-inputs'), { ...limits, initialValueMax: 3000 });
    const all = plan.pages.flatMap((p) => p.fields);
    const long = all.find((p) => p.field.name.startsWith('a_very_long'))!;
    expect(long.label).toHaveLength(45);
    expect(long.label.endsWith('…')).toBe(true);
    expect(long.description).toHaveLength(100);
    const preset = all.find((p) => p.field.name === 'style_preset')!;
    expect(preset.initialValue).toBeUndefined();
    for (const p of all) {
      expect(p.label.length).toBeLessThanOrEqual(45);
      expect((p.placeholder ?? '').length).toBeLessThanOrEqual(100);
    }
  });

  it('pre-fills given values over defaults', () => {
    const plan = planForm(fieldsOf('anotherjesse/zeroscope-v2-xl'), {
      ...limits,
      initialValues: { prompt: 'a red fox', model: 'potat1' },
    });
    const all = plan.pages.flatMap((p) => p.fields);
    expect(all.find((p) => p.field.name === 'prompt')?.initialValue).toBe('a red fox');
    expect(all.find((p) => p.field.name === 'model')?.options?.find((o) => o.isDefault)?.value).toBe(
      'potat1',
    );
    // An empty default is no pre-fill at all.
    const animate = planForm(fieldsOf('lucataco/animate-diff'), limits).pages.flatMap((p) => p.fields);
    expect(animate.find((p) => p.field.name === 'n_prompt')?.initialValue).toBeUndefined();
  });

  it('holds the prompt input to the prompt limit, and no other text input', () => {
    const all = planForm(fieldsOf('anotherjesse/zeroscope-v2-xl'), limits).pages.flatMap((p) => p.fields);
    expect(all.find((p) => p.field.name === 'prompt')?.maxLength).toBe(maxPromptChars);
    expect(all.find((p) => p.field.name === 'negative_prompt')?.maxLength).toBeUndefined();
    // A longer prompt given with the command stays in full, for the person to shorten.
    const long = 'a'.repeat(maxPromptChars + 1);
    const given = planForm(fieldsOf('anotherjesse/zeroscope-v2-xl'), {
      ...limits,
      initialValues: { prompt: long },
    });
    const prompt = given.pages.flatMap((p) => p.fields).find((p) => p.field.name === 'prompt');
    expect(prompt?.initialValue).toBe(long);
    expect(prompt?.maxLength).toBeUndefined();
  });

  it('plans nothing for a model without inputs, and refuses empty pages', () => {
    expect(planForm([], limits).pages).toEqual([]);
    expect(() => planForm([], { ...limits, maxPerPage: 0 })).toThrow(RangeError);
  });
});
