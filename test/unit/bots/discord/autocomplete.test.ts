import { describe, expect, it } from 'vitest';
import { modelChoices } from '../../../../src/bots/discord/autocomplete.js';
import type { CatalogModel } from '../../../../src/core/replicate/catalog.js';

function model(ref: string, description = ''): CatalogModel {
  const [owner, name] = ref.split('/') as [string, string];
  return { ref, owner, name, description, runCount: 1, collection: 'text-to-video', needsImage: false };
}

describe('model choices', () => {
  it('gives at most 25 choices, each name at most 100 characters, valued by ref', () => {
    const models = Array.from({ length: 40 }, (_, i) => model(`owner/model-${i}`, 'x'.repeat(300)));
    const choices = modelChoices('model', models);
    expect(choices).toHaveLength(25);
    for (const choice of choices) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.value).toMatch(/^owner\/model-\d+$/);
    }
  });

  it('offers what was typed first when it is a ref the catalog does not know', () => {
    expect(modelChoices('someone/new', [model('a/b')]).map((c) => c.value)).toEqual(['someone/new', 'a/b']);
    expect(modelChoices('a/b', [model('a/b')]).map((c) => c.value)).toEqual(['a/b']);
    expect(modelChoices('not a ref', []).map((c) => c.value)).toEqual([]);
  });

  it('leaves out refs too long to be a choice value', () => {
    expect(modelChoices('', [model(`o/${'n'.repeat(120)}`), model('o/short')]).map((c) => c.value)).toEqual([
      'o/short',
    ]);
  });
});
