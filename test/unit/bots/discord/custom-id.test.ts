import { describe, expect, it } from 'vitest';
import { buttonId, draftIdOf, formPrefix, parseButtonId } from '../../../../src/bots/discord/custom-id.js';

describe('button custom_ids', () => {
  it('carry everything a button needs, within 100 characters, and read back', () => {
    const generationId = 'g_mwwbo2rt1bec4c0c79';
    for (const action of ['cancel', 'reroll', 'params'] as const) {
      const id = buttonId({ action, generationId });
      expect(id.length).toBeLessThanOrEqual(100);
      expect(parseButtonId(id)).toEqual({ action, generationId });
    }
    expect(parseButtonId(buttonId({ action: 'form-edit', draftId: 'AbC-d_9', page: 2 }))).toEqual({
      action: 'form-edit',
      draftId: 'AbC-d_9',
      page: 2,
    });
  });

  it('ignores custom_ids that are not ours', () => {
    expect(parseButtonId('rb:explode:g_1')).toBeUndefined();
    expect(parseButtonId('something-else')).toBeUndefined();
    expect(parseButtonId('rb:cancel:')).toBeUndefined();
  });

  it('finds the draft of a form custom_id', () => {
    expect(draftIdOf(`${formPrefix('Xy1_')}:page:0`)).toBe('Xy1_');
    expect(draftIdOf('rb:cancel:g_1')).toBeUndefined();
  });
});
