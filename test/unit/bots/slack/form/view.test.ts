import { describe, expect, it } from 'vitest';
import {
  buildSlackModal,
  buildSlackModals,
  parseSlackViewState,
  type SlackInputBlock,
  selectedSlackModel,
  slackModelBlockId,
  slackViewFiles,
  validateSlackView,
} from '../../../../../src/bots/slack/form/index.js';
import { ValidationError } from '../../../../../src/core/errors.js';
import { coerceInput } from '../../../../../src/core/replicate/coerce.js';
import { fieldsFromSchema } from '../../../../../src/core/replicate/schema.js';
import type { Field } from '../../../../../src/core/replicate/schema-types.js';
import { allSchemaFixtures } from '../../../../fixtures/schemas/index.js';

const fixtures = allSchemaFixtures();
function fieldsOf(ref: string): Field[] {
  const fixture = fixtures.find((f) => f.ref === ref)!;
  return fieldsFromSchema(fixture.openapi_schema, ref);
}
const blocksOf = (ref: string, change: (field: Field) => Field = (field) => field) =>
  Object.fromEntries(
    (buildSlackModal(ref, fieldsOf(ref).map(change)).blocks as SlackInputBlock[]).map((block) => [
      block.block_id,
      block,
    ]),
  );

describe('Slack modal views from schemas', () => {
  it.each(fixtures.map((f) => [f.ref] as const))('%s: one view within limits, a block per input', (ref) => {
    const fields = fieldsOf(ref);
    const views = buildSlackModals(ref, fields, {
      privateMetadata: JSON.stringify({ channel: 'C1', model: ref }),
    });
    expect(views).toHaveLength(1);
    expect(validateSlackView(views[0])).toEqual([]);
    const ids = views[0]!.blocks.map((block) => block.block_id);
    expect(ids[0]).toBe(slackModelBlockId);
    expect(ids.slice(1).sort()).toEqual(fields.map((f) => f.name).sort());
  });

  it('puts the model chooser on top: an external_select with action_id model', () => {
    const view = buildSlackModal({ ref: 'minimax/video-01', name: 'video-01' }, fieldsOf('minimax/video-01'));
    expect(view.blocks[0]).toMatchObject({
      type: 'input',
      block_id: slackModelBlockId,
      dispatch_action: true,
      element: {
        type: 'external_select',
        action_id: 'model',
        initial_option: { value: 'minimax/video-01' },
      },
    });
    expect(view).toMatchObject({
      type: 'modal',
      title: { text: 'Make a video' },
      submit: { text: 'Generate' },
      close: { text: 'Cancel' },
    });
    const empty = buildSlackModal(undefined, []);
    expect(empty.blocks).toHaveLength(1);
    expect(empty.blocks[0]).not.toHaveProperty('element.initial_option');
    expect(validateSlackView(empty)).toEqual([]);
  });

  it('picks the element by kind', () => {
    const live = blocksOf('minimax/video-01-live');
    expect(live.prompt).toMatchObject({
      optional: false,
      element: { type: 'plain_text_input', multiline: true },
    });
    expect(live.first_frame_image).toMatchObject({
      optional: false,
      element: { type: 'file_input', filetypes: ['jpg', 'jpeg', 'png', 'gif', 'webp'], max_files: 1 },
    });
    expect(live.prompt_optimizer).toMatchObject({
      optional: true,
      element: {
        type: 'checkboxes',
        options: [{ value: 'true', text: { text: 'Use prompt optimizer' } }],
        initial_options: [{ value: 'true' }],
      },
    });

    const i2v = blocksOf('ali-vilab/i2vgen-xl');
    expect(i2v.guidance_scale?.element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: true,
      min_value: '1',
      max_value: '20',
      initial_value: '9',
    });
    expect(i2v.num_inference_steps?.element).toMatchObject({ is_decimal_allowed: false, max_value: '500' });
    expect(i2v.seed?.element).not.toHaveProperty('initial_value');

    const enums = blocksOf('synthetic/integer-enums');
    expect(enums.duration?.element).toMatchObject({
      type: 'static_select',
      initial_option: { value: '4', text: { text: '4' } },
    });
    const many = blocksOf('synthetic/seventy-three-inputs');
    expect(many.sampler?.element).toMatchObject({ type: 'static_select' });
    expect(many.sampler?.element.options).toHaveLength(40);
    // 120 values: more than a static_select holds, so text checked on submit.
    expect(many.lora_name?.element).toMatchObject({ type: 'plain_text_input', multiline: false });
    const arrays = blocksOf('synthetic/arrays-and-odd-shapes');
    // styles offers 3 values and takes at most 2 (its maxItems): the select stops there.
    expect(arrays.styles?.element).toMatchObject({
      type: 'multi_static_select',
      max_selected_items: 2,
      placeholder: { text: 'Choose up to 2' },
    });
    const styles = (change: (field: Field) => Field) =>
      blocksOf('synthetic/arrays-and-odd-shapes', (field) =>
        field.name === 'styles' ? change(field) : field,
      ).styles?.element;
    expect(styles((field) => ({ ...field, maxItems: undefined }))).not.toHaveProperty('max_selected_items');
    // A default of more values than the list takes opens with the first ones chosen, within the cap.
    const crowded = buildSlackModal(
      'synthetic/arrays-and-odd-shapes',
      fieldsOf('synthetic/arrays-and-odd-shapes').map((field) =>
        field.name === 'styles' ? { ...field, default: ['watercolor', 'anime', 'realistic'] } : field,
      ),
    );
    expect(validateSlackView(crowded)).toEqual([]);
    const crowdedStyles = (crowded.blocks as SlackInputBlock[]).find((block) => block.block_id === 'styles');
    expect(
      (crowdedStyles!.element.initial_options as { value: string }[]).map((option) => option.value),
    ).toEqual(['anime', 'watercolor']);
    expect(
      validateSlackView({
        ...crowded,
        blocks: (crowded.blocks as SlackInputBlock[]).map((block) =>
          block.block_id === 'styles'
            ? { ...block, element: { ...block.element, initial_options: block.element.options } }
            : block,
        ),
      }),
    ).toEqual([expect.stringContaining('3 initial options but max_selected_items 2')]);
    // reference_images takes at most 2 (its maxItems): the picker stops there, not at Slack's 10.
    expect(arrays.reference_images?.element).toMatchObject({ type: 'file_input', max_files: 2 });
    const unbounded = blocksOf('synthetic/arrays-and-odd-shapes', (field) => ({
      ...field,
      maxItems: undefined,
    }));
    expect(unbounded.reference_images?.element).toMatchObject({ type: 'file_input', max_files: 10 });
    expect(arrays.keyframes?.element).toMatchObject({ type: 'plain_text_input', multiline: true });
  });

  it('refuses private_metadata over 3000 characters', () => {
    expect(() => buildSlackModal('a/b', [], { privateMetadata: 'x'.repeat(3001) })).toThrow(RangeError);
  });

  it('spreads a model with more inputs than a view holds over views pushed one after another', () => {
    const base = fieldsOf('synthetic/seventy-three-inputs');
    const fields = [
      ...base,
      ...base.map((f) => ({ ...f, name: `${f.name}_copy`, order: f.order + 100, required: false })),
    ];
    const views = buildSlackModals('synthetic/wide', fields);
    expect(views).toHaveLength(2);
    expect(views[0]!.title.text).toBe('Make a video 1/2');
    expect(views[1]!.blocks[0]?.block_id).not.toBe(slackModelBlockId);
    for (const view of views) expect(validateSlackView(view)).toEqual([]);
    expect(views.flatMap((v) => v.blocks).length).toBe(fields.length + 1);
  });
});

describe('parseSlackViewState', () => {
  const state = {
    [slackModelBlockId]: {
      model: { type: 'external_select', selected_option: { value: 'synthetic/integer-enums' } },
    },
    prompt: { value: { type: 'plain_text_input', value: 'a whale in the sky' } },
    start_image_url: {
      value: {
        type: 'file_input',
        files: [
          {
            id: 'F1',
            name: 'whale.png',
            mimetype: 'image/png',
            url_private_download: 'https://files.slack.com/F1',
          },
        ],
      },
    },
    end_image_url: { value: { type: 'file_input', files: [] } },
    duration: { value: { type: 'static_select', selected_option: { value: '6' } } },
    resolution: { value: { type: 'static_select', selected_option: null } },
    steps: { value: { type: 'number_input', value: '120' } },
    loop: { value: { type: 'checkboxes', selected_options: [] } },
  };

  it('reads values per field, the chosen model and the files', () => {
    expect(parseSlackViewState(state)).toEqual({
      prompt: 'a whale in the sky',
      start_image_url: ['F1'],
      end_image_url: [],
      duration: '6',
      resolution: undefined,
      steps: '120',
      loop: [],
    });
    expect(selectedSlackModel(state)).toBe('synthetic/integer-enums');
    expect(slackViewFiles(state)).toEqual({ start_image_url: [state.start_image_url.value.files[0]] });
  });

  it('gives problems keyed by block id, ready for response_action errors', () => {
    const fields = fieldsOf('synthetic/integer-enums');
    const raw = parseSlackViewState(state);
    const error = (() => {
      try {
        coerceInput(fields, { ...raw, start_image_url: 'https://files.slack.com/F1' });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const errors = Object.fromEntries(error!.problems.map((p) => [p.field, p.message]));
    expect(errors).toEqual({ steps: 'steps must be between 1 and 100' });
    const blockIds = buildSlackModal('synthetic/integer-enums', fields).blocks.map((b) => b.block_id);
    expect(blockIds).toContain('steps');
  });
});

describe('validateSlackView', () => {
  it('finds every broken limit', () => {
    const options = (n: number, length = 3) =>
      Array.from({ length: n }, (_, i) => ({
        text: { type: 'plain_text', text: `${i}`.padEnd(length, 't') },
        value: `${i}`.padEnd(length, 'v'),
      }));
    const input = (block_id: string, element: object) => ({
      type: 'input',
      block_id,
      label: { type: 'plain_text', text: block_id },
      element: { action_id: 'value', ...element },
    });
    const problems = validateSlackView({
      type: 'modal',
      title: { type: 'plain_text', text: 't'.repeat(25) },
      close: { type: 'plain_text', text: 'c'.repeat(25) },
      private_metadata: 'm'.repeat(3001),
      blocks: [
        input('a', { type: 'static_select', options: options(101) }),
        input('b', { type: 'static_select', options: options(1, 76), initial_option: options(1)[0] }),
        input('c', { type: 'checkboxes', options: options(11) }),
        input('d', {
          type: 'number_input',
          is_decimal_allowed: false,
          min_value: '5',
          max_value: '1',
          initial_value: '2.5',
        }),
        input('e', { type: 'file_input', max_files: 11 }),
        input('e', {
          type: 'plain_text_input',
          max_length: 3001,
          placeholder: { type: 'plain_text', text: 'p'.repeat(151) },
        }),
        input('f', { type: 'datepicker' }),
      ],
    });
    expect(problems).toEqual([
      'title is 25 characters; it must be 1-24',
      'close is 25 characters; it must be 1-24',
      'private_metadata is 3001 characters; it must be 0-3000',
      'submit is missing',
      'block 1 (a) has 101 options; it must have 1-100',
      'block 2 (b) option 1 text is 76 characters; it must be 1-75',
      'block 2 (b) option 1 value is 76 characters; it must be 1-75',
      'block 2 (b) initial option 0vv is not one of its options',
      'block 3 (c) has 11 options; it must have 1-10',
      'block 4 (d) initial_value 2.5 is not a whole number',
      'block 4 (d) min_value is above max_value',
      'block 4 (d) initial_value is outside min_value..max_value',
      'block 5 (e) max_files must be 1-10',
      'block 6 block_id "e" is used twice',
      'block 6 (e) placeholder is 151 characters; it must be 1-150',
      'block 6 (e) max_length must be 1-3000',
      'block 7 (f) has element type datepicker, which reelbot does not render',
    ]);
  });

  it('counts blocks', () => {
    const blocks = Array.from({ length: 101 }, (_, i) => ({
      type: 'context',
      block_id: `b${i}`,
      elements: [{ type: 'mrkdwn', text: 'x' }],
    }));
    expect(validateSlackView({ type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks })).toEqual([
      'the view has 101 blocks; Slack allows 100',
    ]);
  });
});
