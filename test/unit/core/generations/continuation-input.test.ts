import { describe, expect, it } from 'vitest';
import { continuationInput } from '../../../../src/core/generations/continuation-input.js';
import { fieldsFromSchema } from '../../../../src/core/replicate/schema.js';
import { loadSchemaFixtures } from '../../../fakes/replicate/catalog.js';
import { loadSyntheticSchemas } from '../../../fixtures/schemas/index.js';

const lists = loadSyntheticSchemas().find((fixture) => fixture.name === 'arrays-and-odd-shapes')!;
// `prompts` and `reference_images` are lists; there is no seed.
const listFields = fieldsFromSchema(lists.openapi_schema, 'synthetic/arrays-and-odd-shapes');
const i2vgen = loadSchemaFixtures().find((fixture) => fixture.name === 'i2vgen-xl')!;
// One `image` and a `seed`.
const singleFields = fieldsFromSchema(i2vgen.openapi_schema, 'ali-vilab/i2vgen-xl');
const frameUrl = 'https://files.example/frame.png';

describe('continuationInput', () => {
  it('gives a model whose image input takes a list the last frame as a one-element list', () => {
    const input = continuationInput({ fields: listFields, frameUrl, prompt: 'the fox reaches the river' });
    expect(input).toEqual({ prompts: ['the fox reaches the river'], reference_images: [frameUrl] });
  });

  it('with the same model, puts the frame in place of the first image and keeps the other references', () => {
    const kept = {
      prompts: ['a fox wakes in the snow'],
      reference_images: ['https://files.example/start.png', 'https://files.example/character.png'],
      styles: ['anime'],
    };
    const input = continuationInput({
      fields: listFields,
      frameUrl,
      prompt: 'a fox wakes in the snow',
      kept,
      keepsPrompt: true,
    });
    expect(input).toEqual({
      prompts: ['a fox wakes in the snow'],
      reference_images: [frameUrl, 'https://files.example/character.png'],
      styles: ['anime'],
    });
    // The clip's own input is left as it was.
    expect(kept.reference_images[0]).toBe('https://files.example/start.png');
    // The next part again: the list keeps its length, the earlier frame gives way.
    const third = continuationInput({
      fields: listFields,
      frameUrl: 'https://files.example/frame-2.png',
      prompt: 'the fox swims',
      kept: input,
    });
    expect(third.reference_images).toEqual([
      'https://files.example/frame-2.png',
      'https://files.example/character.png',
    ]);
    expect(third.prompts).toEqual(['the fox swims']);
  });

  it("keeps the list within the schema's maxItems when the clip's list is longer (an older version took more)", () => {
    const kept = {
      prompts: ['a fox wakes in the snow'],
      reference_images: [
        'https://files.example/start.png',
        'https://files.example/character.png',
        'https://files.example/style.png',
      ],
    };
    const input = continuationInput({ fields: listFields, frameUrl, prompt: 'the fox swims', kept });
    // reference_images takes at most 2: the frame first, then the references in order, the last dropped.
    expect(input.reference_images).toEqual([frameUrl, 'https://files.example/character.png']);
  });

  it('gives a model with one image input the frame as a string, and a fresh seed', () => {
    const input = continuationInput({ fields: singleFields, frameUrl, prompt: 'the boat reaches the sea' });
    expect(input.image).toBe(frameUrl);
    expect(input.prompt).toBe('the boat reaches the sea');
    expect(Number.isInteger(input.seed)).toBe(true);
  });
});
