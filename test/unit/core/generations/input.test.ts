import { describe, expect, it } from 'vitest';
import { prepareInput } from '../../../../src/core/generations/input.js';
import { fieldsFromSchema } from '../../../../src/core/replicate/schema.js';
import { loadSyntheticSchemas } from '../../../fixtures/schemas/index.js';

const lists = loadSyntheticSchemas().find((fixture) => fixture.name === 'arrays-and-odd-shapes')!;
const fields = fieldsFromSchema(lists.openapi_schema, 'synthetic/arrays-and-odd-shapes');
// No attachments here, so nothing is ever uploaded.
const api = {
  uploadFile: () => Promise.reject(new Error('no upload expected')),
};

describe('prepareInput with a list of prompts', () => {
  it('sends the list and keeps the prompts joined as the generation prompt', async () => {
    const prepared = await prepareInput({
      fields,
      values: { prompts: 'a fox wakes in the snow\nthe fox runs to the river' },
      api,
    });
    expect(prepared.input.prompts).toEqual(['a fox wakes in the snow', 'the fox runs to the river']);
    expect(prepared.prompt).toBe('a fox wakes in the snow / the fox runs to the river');
  });

  it('holds each prompt of the list to the prompt limit', async () => {
    await expect(
      prepareInput({ fields, values: { prompts: `short\n${'f'.repeat(2001)}` }, api }),
    ).rejects.toThrow('Prompts can be at most 2,000 characters; yours has 2,001');
  });
});
