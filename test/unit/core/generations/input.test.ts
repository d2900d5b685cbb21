import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareInput } from '../../../../src/core/generations/input.js';
import { fieldsFromSchema } from '../../../../src/core/replicate/schema.js';
import { fakeMedia } from '../../../fakes/replicate/media.js';
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

describe('prepareInput with an image input that takes a list', () => {
  it('sends an attached image as a list, before the links typed into that input', async () => {
    const uploads: string[] = [];
    const uploader = {
      uploadFile: async (_data: Blob, filename: string) => {
        uploads.push(filename);
        return { id: filename, urls: { get: `https://files.example/${filename}` } };
      },
    };
    const png = fs.readFileSync((await fakeMedia()).image);
    const alone = await prepareInput({
      fields,
      values: { prompts: 'a fox' },
      attachments: [{ url: 'https://cdn.example/fox.png', data: png, filename: 'fox.png' }],
      api: uploader,
    });
    expect(alone.input.reference_images).toEqual(['https://files.example/fox.png']);
    const withTyped = await prepareInput({
      fields,
      values: { prompts: 'a fox', reference_images: 'https://cdn.example/character.png' },
      attachments: [{ url: 'https://cdn.example/fox.png', data: png, filename: 'fox.png' }],
      api: uploader,
    });
    expect(withTyped.input.reference_images).toEqual([
      'https://files.example/fox.png',
      'https://cdn.example/character.png',
    ]);
    expect(uploads).toEqual(['fox.png', 'fox.png']);
  });

  it("keeps the list within the schema's maxItems: the attached image goes first, the last link drops out", async () => {
    const uploader = {
      uploadFile: async (_data: Blob, filename: string) => ({
        id: filename,
        urls: { get: `https://files.example/${filename}` },
      }),
    };
    const png = fs.readFileSync((await fakeMedia()).image);
    // reference_images takes at most 2, and both are typed already (as an Edit hands them back).
    const full = await prepareInput({
      fields,
      values: {
        prompts: 'a fox',
        reference_images: ['https://cdn.example/character.png', 'https://cdn.example/style.png'],
      },
      attachments: [{ url: 'https://cdn.example/fox.png', data: png, filename: 'fox.png' }],
      api: uploader,
    });
    expect(full.input.reference_images).toEqual([
      'https://files.example/fox.png',
      'https://cdn.example/character.png',
    ]);
  });
});
