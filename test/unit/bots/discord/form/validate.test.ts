import { describe, expect, it } from 'vitest';
import { type DiscordModal, validateDiscordModal } from '../../../../../src/bots/discord/form/index.js';

function modal(overrides: Partial<DiscordModal> = {}): DiscordModal {
  return {
    custom_id: 'g:page:0',
    title: 'video-01',
    components: [{ type: 18, label: 'Prompt', component: { type: 4, custom_id: 'prompt', style: 2 } }],
    ...overrides,
  };
}
const label = (component: object, extra: object = {}) =>
  ({ type: 18 as const, label: 'L', ...extra, component }) as DiscordModal['components'][number];

describe('validateDiscordModal', () => {
  it('accepts a well-formed modal', () => {
    expect(validateDiscordModal(modal())).toEqual([]);
  });

  it('finds every broken modal-level limit', () => {
    const six = Array.from({ length: 6 }, (_, i) => label({ type: 4, custom_id: `f${i}`, style: 1 }));
    expect(
      validateDiscordModal(modal({ title: 't'.repeat(46), custom_id: 'c'.repeat(101), components: six })),
    ).toEqual([
      'modal custom_id is 101 characters; it must be 1-100',
      'modal title is 46 characters; it must be 1-45',
      'the modal has 6 components; it must have 1-5',
    ]);
    expect(validateDiscordModal(modal({ components: [] }))).toEqual([
      'the modal has 0 components; it must have 1-5',
    ]);
    expect(validateDiscordModal(null)).toEqual(['the modal is not an object']);
  });

  it('finds broken Labels, text inputs, selects and file uploads', () => {
    const options = (n: number, length = 5) =>
      Array.from({ length: n }, (_, i) => ({
        label: `${i}`.padEnd(length, 'x'),
        value: `${i}`.padEnd(length, 'v'),
      }));
    const problems = validateDiscordModal(
      modal({
        components: [
          label(
            { type: 4, custom_id: 'a', style: 1, value: 'v'.repeat(4001), placeholder: 'p'.repeat(101) },
            { label: 'l'.repeat(46), description: 'd'.repeat(101) },
          ),
          label({ type: 3, custom_id: 'b', options: options(26) }),
          label({ type: 3, custom_id: 'c', options: options(2, 101), max_values: 3 }),
          label({ type: 19, custom_id: 'a', min_values: 2, max_values: 11 }),
          { type: 1, components: [] } as unknown as DiscordModal['components'][number],
        ],
      }),
    );
    expect(problems).toEqual([
      'component 1 label is 46 characters; it must be 1-45',
      'component 1 description is 101 characters; it must be 0-100',
      `component 1 (${'l'.repeat(46)}) value is 4001 characters; it must be 0-4000`,
      `component 1 (${'l'.repeat(46)}) placeholder is 101 characters; it must be 0-100`,
      `component 1 (${'l'.repeat(46)}) value is longer than its max_length 4000`,
      'component 2 (L) has 26 options; it must have 1-25',
      'component 3 (L) option 1 label is 101 characters; it must be 1-100',
      'component 3 (L) option 1 value is 101 characters; it must be 1-100',
      'component 3 (L) option 2 label is 101 characters; it must be 1-100',
      'component 3 (L) option 2 value is 101 characters; it must be 1-100',
      'component 3 (L) max_values 3 is above its 2 options',
      'component 4 (L) custom_id "a" is used twice',
      'component 4 (L) max_values is 11; it must be a whole number 1-10',
      'component 5 has type 1; a modal takes Labels (18) and Text Displays (10)',
    ]);
  });
});
