import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareInput } from '../../../../src/core/generations/input.js';
import { fieldsFromSchema } from '../../../../src/core/replicate/schema.js';
import { fakeMedia } from '../../../fakes/replicate/media.js';
import { allSchemaFixtures, loadSyntheticSchemas } from '../../../fixtures/schemas/index.js';

const lists = loadSyntheticSchemas().find((fixture) => fixture.name === 'arrays-and-odd-shapes')!;
const fields = fieldsFromSchema(lists.openapi_schema, 'synthetic/arrays-and-odd-shapes');
// No attachments here, so nothing is ever uploaded.
const api = {
  uploadFile: () => Promise.reject(new Error('no upload expected')),
};

/** Uploads that answer with their filename's link, and a record of what was uploaded, in order. */
const recordingUploader = () => {
  const uploads: string[] = [];
  return {
    uploads,
    api: {
      uploadFile: async (_data: Blob, filename: string) => {
        uploads.push(filename);
        return { id: filename, urls: { get: `https://files.example/${filename}` } };
      },
    },
  };
};
const attached = async (filename: string, field?: string) => ({
  url: `https://cdn.example/${filename}`,
  data: fs.readFileSync((await fakeMedia()).image),
  filename,
  ...(field ? { field } : {}),
});

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

  it('sends every upload of a list input, in the order given, before the links kept from an Edit', async () => {
    const { uploads, api: uploader } = recordingUploader();
    const prepared = await prepareInput({
      fields,
      values: { prompts: 'a fox', reference_images: ['https://cdn.example/character.png'] },
      attachments: [
        await attached('fox.png', 'reference_images'),
        await attached('den.png', 'reference_images'),
      ],
      api: uploader,
    });
    // Two uploads fill reference_images (maxItems 2): the kept link is the one that drops out.
    expect(prepared.input.reference_images).toEqual([
      'https://files.example/fox.png',
      'https://files.example/den.png',
    ]);
    expect(uploads).toEqual(['fox.png', 'den.png']);
    // Images given without an input (a slash command, `reelbot generate --image` twice) fill the list too.
    const unnamed = await prepareInput({
      fields,
      values: { prompts: 'a fox' },
      attachments: [await attached('one.png'), await attached('two.png')],
      api: uploader,
    });
    expect(unnamed.input.reference_images).toEqual([
      'https://files.example/one.png',
      'https://files.example/two.png',
    ]);
  });

  it("refuses more uploads than the list's maxItems, by the input's name, before uploading any", async () => {
    const { uploads, api: uploader } = recordingUploader();
    const refused = prepareInput({
      fields,
      values: { prompts: 'a fox' },
      attachments: [
        await attached('a.png', 'reference_images'),
        await attached('b.png', 'reference_images'),
        await attached('c.png', 'reference_images'),
      ],
      api: uploader,
    });
    await expect(refused).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      problems: [
        { field: 'reference_images', message: 'reference_images takes at most 2 images; 3 were given' },
      ],
    });
    // A third unnamed image finds no input with room left.
    await expect(
      prepareInput({
        fields,
        values: { prompts: 'a fox' },
        attachments: [await attached('a.png'), await attached('b.png'), await attached('c.png')],
        api: uploader,
      }),
    ).rejects.toMatchObject({ problems: [{ field: 'image', message: 'too many images for this model' }] });
    expect(uploads).toEqual([]);
  });

  it('refuses a typed list past maxItems, as the form does, before uploading', async () => {
    const { uploads, api: uploader } = recordingUploader();
    await expect(
      prepareInput({
        fields,
        values: {
          prompts: 'a fox',
          reference_images: 'https://cdn.example/a.png\nhttps://cdn.example/b.png\nhttps://cdn.example/c.png',
        },
        attachments: [await attached('fox.png', 'reference_images')],
        api: uploader,
      }),
    ).rejects.toMatchObject({
      problems: [
        { field: 'reference_images', message: 'reference_images takes at most 2 images; 3 were given' },
      ],
    });
    expect(uploads).toEqual([]);
  });
});

describe("prepareInput with an image list that needs at least its schema's minItems", () => {
  // reference_images as a model that needs two reference images has it.
  const pair = fields.map((field) => (field.name === 'reference_images' ? { ...field, minItems: 2 } : field));

  it('refuses one attached image before uploading it, as it refuses one too many', async () => {
    const { uploads, api: uploader } = recordingUploader();
    for (const attachments of [
      [await attached('fox.png', 'reference_images')],
      // An image given without an input (a slash command's, `reelbot generate --image`) too.
      [await attached('fox.png')],
    ])
      await expect(
        prepareInput({ fields: pair, values: { prompts: 'a fox' }, attachments, api: uploader }),
      ).rejects.toMatchObject({
        code: 'INPUT_INVALID',
        problems: [
          { field: 'reference_images', message: 'reference_images takes at least 2 images; 1 was given' },
        ],
      });
    expect(uploads).toEqual([]);
  });

  it('counts the attached images with the links typed beside them', async () => {
    const { uploads, api: uploader } = recordingUploader();
    const prepared = await prepareInput({
      fields: pair,
      values: { prompts: 'a fox', reference_images: 'https://cdn.example/character.png' },
      attachments: [await attached('fox.png', 'reference_images')],
      api: uploader,
    });
    expect(prepared.input.reference_images).toEqual([
      'https://files.example/fox.png',
      'https://cdn.example/character.png',
    ]);
    expect(uploads).toEqual(['fox.png']);
  });
});

describe('prepareInput with inputs that take one image', () => {
  const ref = 'synthetic/integer-enums';
  const oneImage = fieldsFromSchema(allSchemaFixtures().find((f) => f.ref === ref)!.openapi_schema, ref);

  it('refuses two images for one input rather than choosing one, and gives unnamed images one input each', async () => {
    const { uploads, api: uploader } = recordingUploader();
    await expect(
      prepareInput({
        fields: oneImage,
        values: { prompt: 'a cat' },
        attachments: [
          await attached('cat.png', 'start_image_url'),
          await attached('dog.png', 'start_image_url'),
        ],
        api: uploader,
      }),
    ).rejects.toMatchObject({
      problems: [{ field: 'start_image_url', message: 'start_image_url takes one image; 2 were given' }],
    });
    expect(uploads).toEqual([]);
    const both = await prepareInput({
      fields: oneImage,
      values: { prompt: 'a cat' },
      attachments: [await attached('start.png'), await attached('end.png')],
      api: uploader,
    });
    expect(both.input).toMatchObject({
      start_image_url: 'https://files.example/start.png',
      end_image_url: 'https://files.example/end.png',
    });
  });
});
