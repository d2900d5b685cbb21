import { describe, expect, it } from 'vitest';
import {
  buildDiscordFormStepMessage,
  buildDiscordModal,
  buildDiscordModals,
  type DiscordModal,
  type DiscordStringSelect,
  discordComponentId,
  discordGenerateCustomId,
  discordMoreOptionsCustomId,
  parseDiscordFormCustomId,
  parseDiscordModalSubmit,
  planDiscordForm,
  validateDiscordModal,
} from '../../../../../src/bots/discord/form/index.js';
import { coerceInput } from '../../../../../src/core/replicate/coerce.js';
import { fieldsFromSchema } from '../../../../../src/core/replicate/schema.js';
import type { Field } from '../../../../../src/core/replicate/schema-types.js';
import { allSchemaFixtures } from '../../../../fixtures/schemas/index.js';

const fixtures = allSchemaFixtures();
function fieldsOf(ref: string): Field[] {
  const fixture = fixtures.find((f) => f.ref === ref)!;
  return fieldsFromSchema(fixture.openapi_schema, ref);
}
const componentsOf = (modal: DiscordModal) => modal.components.map((label) => label.component);

describe('Discord modals from schemas', () => {
  it.each(fixtures.map((f) => [f.ref] as const))(
    '%s: every page within limits, every input on a page',
    (ref) => {
      const fields = fieldsOf(ref);
      // The bot's prefix is a short draft id (formPrefix), whatever the length of the ref.
      const modals = buildDiscordModals({ ref, name: ref.split('/')[1] }, fields, 'form:d1');
      expect(modals.length).toBe(Math.ceil(fields.length / 5));
      for (const modal of modals) expect(validateDiscordModal(modal)).toEqual([]);
      const ids = modals.flatMap(componentsOf).map((c) => c.custom_id);
      expect(ids.sort()).toEqual(fields.map((f) => discordComponentId(f.name)).sort());
      expect(modals.map((m) => m.custom_id)).toEqual(modals.map((_, i) => `form:d1:page:${i}`));
    },
  );

  it('asks for the prompt and the image of an image-to-video model on one page', () => {
    const modal = buildDiscordModal(
      { ref: 'minimax/video-01-live', name: 'video-01-live' },
      fieldsOf('minimax/video-01-live'),
      0,
      'g',
    );
    expect(modal.title).toBe('video-01-live');
    expect(modal.components).toEqual(
      [
        {
          type: 18,
          label: 'Prompt',
          description: 'Text prompt for image generation',
          component: { type: 4, custom_id: 'prompt', style: 2, required: true, max_length: 2000 },
        },
        {
          type: 18,
          label: 'First Frame Image',
          description: 'First frame image for video generation',
          component: {
            type: 19,
            custom_id: 'first_frame_image',
            min_values: 1,
            max_values: 1,
            required: true,
          },
        },
        {
          type: 18,
          label: 'Prompt Optimizer',
          description: 'Use prompt optimizer',
          component: {
            type: 3,
            custom_id: 'prompt_optimizer',
            options: [
              { label: 'Yes', value: 'true', default: true },
              { label: 'No', value: 'false' },
            ],
            min_values: 0,
            max_values: 1,
            required: false,
            placeholder: undefined,
          },
        },
      ].map((label) => JSON.parse(JSON.stringify(label))),
    );
  });

  it("lets a list of images take as many uploads as its maxItems, and Discord's 10 without one", () => {
    const ref = 'synthetic/arrays-and-odd-shapes';
    const uploadOf = (fields: Field[]) =>
      buildDiscordModals(ref, fields, 'g')
        .flatMap(componentsOf)
        .find((c) => c.custom_id === 'reference_images');
    expect(uploadOf(fieldsOf(ref))).toMatchObject({ type: 19, max_values: 2 });
    const unbounded = fieldsOf(ref).map((field) => ({ ...field, maxItems: undefined }));
    expect(uploadOf(unbounded)).toMatchObject({ type: 19, max_values: 10 });
  });

  it("caps a multi-select at its maxItems, and a required one's least at its minItems", () => {
    const ref = 'synthetic/arrays-and-odd-shapes';
    const stylesOf = (change: (field: Field) => Field = (field) => field) => {
      const fields = fieldsOf(ref).map((field) => (field.name === 'styles' ? change(field) : field));
      const modals = buildDiscordModals(ref, fields, 'g');
      for (const modal of modals) expect(validateDiscordModal(modal)).toEqual([]);
      return modals.flatMap(componentsOf).find((c) => c.custom_id === 'styles');
    };
    // styles offers 3 values and takes at most 2: the select stops there, not at its 3 options.
    expect(stylesOf()).toMatchObject({
      type: 3,
      min_values: 0,
      max_values: 2,
      placeholder: 'Choose up to 2',
    });
    expect(stylesOf((field) => ({ ...field, maxItems: undefined }))).toMatchObject({ max_values: 3 });
    // Required with a least: Discord holds the person to it. Optional: it may be left empty.
    const pair = (field: Field) => ({ ...field, minItems: 2 });
    expect(stylesOf((field) => ({ ...pair(field), required: true }))).toMatchObject({
      min_values: 2,
      max_values: 2,
      placeholder: 'Choose 2',
    });
    expect(stylesOf(pair)).toMatchObject({ min_values: 0, max_values: 2 });
    // A default of more values than the list takes opens with the first ones chosen.
    const chosen = stylesOf((field) => ({ ...field, default: ['watercolor', 'anime', 'realistic'] }));
    expect(chosen).toMatchObject({ type: 3 });
    const options = (chosen as DiscordStringSelect).options;
    expect(options.filter((option) => option.default).map((option) => option.value)).toEqual([
      'anime',
      'watercolor',
    ]);
  });

  it('renders integer enums as selects with the default chosen, and big enums as checked text', () => {
    const enums = buildDiscordModals('synthetic/integer-enums', fieldsOf('synthetic/integer-enums'), 'g');
    const duration = enums.flatMap(componentsOf).find((c) => c.custom_id === 'duration');
    expect(duration).toMatchObject({
      type: 3,
      options: [
        { label: '4', value: '4', default: true },
        { label: '6', value: '6' },
      ],
    });
    const many = buildDiscordModals(
      'synthetic/seventy-three-inputs',
      fieldsOf('synthetic/seventy-three-inputs'),
      'g',
    );
    const all = many.flatMap(componentsOf);
    expect(all.find((c) => c.custom_id === 'sampler')).toMatchObject({
      type: 4,
      style: 1,
      value: 'sampler_00',
    });
    expect(all.find((c) => c.custom_id === 'lora_name')?.type).toBe(4);
    expect(all.find((c) => c.custom_id === 'quality')?.type).toBe(3);
    expect(all.find((c) => c.custom_id === 'style_preset')).not.toHaveProperty('value');
    expect(many[0]!.title).toBe('synthetic/seventy-three-inputs (1/15)');
  });

  it('keeps long titles within 45 characters with the page number', () => {
    const fields = fieldsOf('anotherjesse/zeroscope-v2-xl');
    const name = 'an-extraordinarily-long-model-name-that-keeps-going';
    const modal = buildDiscordModal({ ref: `someone/${name}`, name }, fields, 2, 'g');
    expect(modal.title).toHaveLength(45);
    expect(modal.title.endsWith('… (3/3)')).toBe(true);
    expect(() => buildDiscordModal('a/b', fields, 3, 'g')).toThrow(RangeError);
    expect(() => buildDiscordModal('a/b', fields, 0, 'x'.repeat(95))).toThrow(/custom_id/);
  });

  it('uses the given values, e.g. the prompt from the slash command', () => {
    const modal = buildDiscordModal('minimax/video-01', fieldsOf('minimax/video-01'), 0, 'g', {
      initialValues: { prompt: 'a fox in the snow' },
    });
    expect(modal.components[0]?.component).toMatchObject({ custom_id: 'prompt', value: 'a fox in the snow' });
  });
});

describe('parseDiscordModalSubmit', () => {
  it('reads Labels and legacy rows into values that coerce into a Replicate input', () => {
    const fields = fieldsOf('synthetic/integer-enums');
    const submitted = [
      { type: 18, id: 1, component: { type: 4, id: 2, custom_id: 'prompt', value: 'a cat surfing' } },
      { type: 18, id: 3, component: { type: 19, id: 4, custom_id: 'start_image_url', values: ['111'] } },
      { type: 18, id: 5, component: { type: 19, id: 6, custom_id: 'end_image_url', values: [] } },
      { type: 18, id: 7, component: { type: 3, id: 8, custom_id: 'duration', values: ['6'] } },
      { type: 1, id: 9, components: [{ type: 4, id: 10, custom_id: 'steps', value: '40' }] },
      { type: 18, id: 11, component: { type: 3, id: 12, custom_id: 'loop', values: ['true'] } },
      { type: 10, id: 13 },
    ];
    const raw = parseDiscordModalSubmit(submitted, fields);
    expect(raw).toEqual({
      prompt: 'a cat surfing',
      start_image_url: ['111'],
      duration: ['6'],
      steps: '40',
      loop: ['true'],
    });
    // The bot swaps attachment ids for their URLs (data.resolved.attachments) before coercing.
    const input = coerceInput(fields, { ...raw, start_image_url: 'https://cdn.discordapp.com/a/cat.png' });
    expect(input).toEqual({
      prompt: 'a cat surfing',
      start_image_url: 'https://cdn.discordapp.com/a/cat.png',
      duration: 6,
      steps: 40,
      loop: true,
    });
  });

  it('maps custom_ids of over-long field names back to the names', () => {
    const fields = fieldsOf('synthetic/seventy-three-inputs');
    const long = fields.find((f) => f.name.length > 70)!;
    const name = `${long.name}_${'x'.repeat(60)}`;
    const id = discordComponentId(name);
    expect(id.length).toBeLessThanOrEqual(100);
    const raw = parseDiscordModalSubmit(
      [{ type: 18, component: { type: 4, custom_id: id, value: 'v' } }],
      [{ ...long, name }],
    );
    expect(raw).toEqual({ [name]: 'v' });
  });
});

describe('the More options flow', () => {
  const fields = fieldsOf('anotherjesse/zeroscope-v2-xl');
  const plan = planDiscordForm(fields);

  it('offers the next page and Generate now after each page but the last', () => {
    const message = buildDiscordFormStepMessage({ customIdPrefix: 'g:1', plan, submittedPage: 0 });
    expect(message?.flags).toBe(64);
    expect(message?.components[0]?.components).toEqual([
      { type: 2, style: 2, label: 'More options (2/3)', custom_id: 'g:1:more:1' },
      { type: 2, style: 3, label: 'Generate now', custom_id: 'g:1:go' },
    ]);
    expect(buildDiscordFormStepMessage({ customIdPrefix: 'g:1', plan, submittedPage: 2 })).toBeUndefined();
  });

  it('holds Generate now back while a required input on a later page is unanswered', () => {
    const required = fields.map((f) => (f.name === 'seed' ? { ...f, required: true } : f));
    const seven = required.map((f) =>
      ['fps', 'model', 'batch_size', 'remove_watermark', 'width', 'height'].includes(f.name)
        ? { ...f, required: true }
        : f,
    );
    const tall = planDiscordForm(seven);
    const step = buildDiscordFormStepMessage({ customIdPrefix: 'g', plan: tall, submittedPage: 0 });
    expect(step?.components[0]?.components[1]?.disabled).toBe(true);
    expect(step?.content).toMatch(/^Still needed: /);
  });

  it('round-trips the custom_ids it makes', () => {
    expect(parseDiscordFormCustomId('g:1:page:2', 'g:1')).toEqual({ step: 'page', page: 2 });
    expect(parseDiscordFormCustomId(discordMoreOptionsCustomId('g:1', 1), 'g:1')).toEqual({
      step: 'more',
      page: 1,
    });
    expect(parseDiscordFormCustomId(discordGenerateCustomId('g:1'), 'g:1')).toEqual({ step: 'go' });
    expect(parseDiscordFormCustomId('other:go', 'g:1')).toBeUndefined();
    expect(parseDiscordFormCustomId('g:1:more:x', 'g:1')).toBeUndefined();
  });
});
