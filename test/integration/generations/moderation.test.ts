import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReelbotError } from '../../../src/core/errors.js';
import { createOpenAIModerator } from '../../../src/moderation/openai.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai/server.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import {
  alice,
  createRequests,
  type FakeReplicate,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  tempDataDir,
  waitForFinal,
} from './harness.js';

let replicate: FakeReplicate;
let openai: FakeOpenAI;
const services: ServiceUnderTest[] = [];

/** A service with OpenAI moderation against the fake, the way `reelbot start` builds it. */
function moderated(env: Record<string, string> = {}): ServiceUnderTest {
  const sut = startService(replicate, {
    dataDir: tempDataDir(),
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl, ...env },
    moderator: createOpenAIModerator({ apiKey: 'sk-test', baseUrl: openai.baseUrl }),
  });
  services.push(sut);
  return sut;
}

async function refusal(promise: Promise<unknown>): Promise<ReelbotError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReelbotError);
  return error as ReelbotError;
}

beforeAll(async () => {
  replicate = await startFakeReplicate();
  openai = await startFakeOpenAI();
  openai.flag('knife fight', ['violence']);
  openai.flag('boudoir', ['sexual']);
  openai.flag('minor', ['sexual', 'sexual/minors']);
  replicate.state.predictions.configure('tencent/hunyuan-video', {});
  replicate.state.predictions.configure('minimax/video-01-live', {});
});
afterAll(async () => {
  for (const sut of services) await sut.close();
  await openai.close();
  await replicate.close();
});

describe('OpenAI moderation before a prediction', () => {
  it('refuses a flagged prompt, naming the category, and Replicate sees no prediction', async () => {
    const sut = moderated();
    const before = createRequests(replicate).length;
    const error = await refusal(
      sut.service.start({
        requester: alice,
        model: 'tencent/hunyuan-video',
        values: { prompt: 'a knife fight at dawn' },
      }),
    );
    expect(error.code).toBe('PROMPT_FLAGGED');
    expect(error.userMessage).toBe('This prompt was flagged for violence.');
    expect(createRequests(replicate).length).toBe(before);
    expect((await sut.store.list()).items).toHaveLength(0);
    const sent = openai.moderations().at(-1)!;
    expect(sent.authorization).toBe('Bearer sk-test');
    expect(sent.body).toEqual({
      model: 'omni-moderation-latest',
      input: [{ type: 'text', text: 'a knife fight at dawn' }],
    });
  });

  it('refuses a category outside MODERATION_NSFW_CATEGORIES even when an allowed one is flagged too', async () => {
    const sut = moderated();
    const error = await refusal(
      sut.service.start({ requester: alice, model: 'tencent/hunyuan-video', values: { prompt: 'a minor' } }),
    );
    expect(error.userMessage).toBe('This prompt was flagged for sexual content involving minors.');
  });

  it('sends an attached image as a data URL before it is uploaded, and refuses it when flagged', async () => {
    const sut = moderated();
    const png = fs.readFileSync((await fakeMedia()).image);
    openai.flag({ image: true }, ['violence/graphic']);
    const uploads = () =>
      replicate.state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files').length;
    const before = { predictions: createRequests(replicate).length, files: uploads() };
    const error = await refusal(
      sut.service.start({
        requester: alice,
        model: 'minimax/video-01-live',
        values: { prompt: 'make it move' },
        attachments: [{ url: 'http://unused.invalid/cat.png', filename: 'cat.png', data: png }],
      }),
    );
    expect(error.code).toBe('PROMPT_FLAGGED');
    expect(error.userMessage).toBe('This image was flagged for graphic violence.');
    const image = openai.moderations().at(-1)!.body.input as { type: string; image_url: { url: string } }[];
    expect(image[0]!.type).toBe('image_url');
    expect(image[0]!.image_url.url).toBe(`data:image/png;base64,${png.toString('base64')}`);
    expect(createRequests(replicate).length).toBe(before.predictions);
    expect(uploads()).toBe(before.files);
  });

  it('lets an age-restricted category through and marks the generation (and its re-roll)', async () => {
    const sut = moderated();
    const started = await sut.service.start({
      requester: alice,
      model: 'tencent/hunyuan-video',
      values: { prompt: 'a boudoir portrait' },
    });
    expect(started.restrictedCategories).toEqual(['sexual']);
    const done = await waitForFinal(sut, started.id);
    expect(done.status).toBe('succeeded');
    expect((await sut.store.get(started.id))?.restrictedCategories).toEqual(['sexual']);
    const again = await sut.service.reroll(started.id, alice);
    expect(again.restrictedCategories).toEqual(['sexual']);
    await waitForFinal(sut, again.id);

    const plain = await sut.service.start({
      requester: alice,
      model: 'tencent/hunyuan-video',
      values: { prompt: 'a calm lake' },
    });
    expect(plain.restrictedCategories).toBeUndefined();
    await waitForFinal(sut, plain.id);
  });

  it('refuses while moderation is down (MODERATION_FAIL=closed, the default), and lets through with open', async () => {
    openai.moderationFails(503);
    try {
      const closed = moderated();
      const before = createRequests(replicate).length;
      const error = await refusal(
        closed.service.start({
          requester: alice,
          model: 'tencent/hunyuan-video',
          values: { prompt: 'a calm lake' },
        }),
      );
      expect(error.code).toBe('MODERATION_UNAVAILABLE');
      expect(error.userMessage).toMatch(/cannot check prompts right now/);
      expect(createRequests(replicate).length).toBe(before);

      const open = moderated({ MODERATION_FAIL: 'open' });
      const started = await open.service.start({
        requester: alice,
        model: 'tencent/hunyuan-video',
        values: { prompt: 'a calm lake' },
      });
      expect((await waitForFinal(open, started.id)).status).toBe('succeeded');
    } finally {
      openai.moderationFails(undefined);
    }
  });

  it('keeps the age-restricted mark of an image an Edit keeps (the kept image is not sent again)', async () => {
    const own = await startFakeOpenAI();
    own.flag({ image: true }, ['sexual']);
    const sut = startService(replicate, {
      dataDir: tempDataDir(),
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: own.baseUrl },
      moderator: createOpenAIModerator({ apiKey: 'sk-test', baseUrl: own.baseUrl }),
    });
    services.push(sut);
    try {
      const png = fs.readFileSync((await fakeMedia()).image);
      const original = await sut.service.start({
        requester: alice,
        model: 'minimax/video-01-live',
        values: { prompt: 'make it move' },
        attachments: [{ url: 'http://unused.invalid/cat.png', filename: 'cat.png', data: png }],
      });
      expect(original.restrictedCategories).toEqual(['sexual']);
      // The form of an Edit hands the image back as the URL it was uploaded at.
      const [imageName, imageUrl] = Object.entries(original.input).find(
        ([name, value]) => name !== 'prompt' && typeof value === 'string' && value.startsWith('http'),
      )!;
      const edited = await sut.service.start({
        requester: alice,
        model: 'minimax/video-01-live',
        values: { prompt: 'make it dance', [imageName]: imageUrl as string },
        origin: { kind: 'edit', generationId: original.id },
      });
      expect(edited.input[imageName]).toBe(imageUrl);
      expect(edited.restrictedCategories).toEqual(['sexual']);
      expect(own.moderations().filter((r) => JSON.stringify(r.body).includes('image_url'))).toHaveLength(1);
      await waitForFinal(sut, original.id);
      await waitForFinal(sut, edited.id);
    } finally {
      await own.close();
    }
  });

  it('screens the prompt an Extend is given (blocked terms, then moderation) before anything reaches Replicate', async () => {
    const sut = moderated({ DEFAULT_IMAGE_MODEL: 'minimax/video-01-live', BLOCKED_TERMS: 'gore' });
    const first = await sut.service.start({
      requester: alice,
      model: 'tencent/hunyuan-video',
      values: { prompt: 'a calm harbour' },
    });
    expect((await waitForFinal(sut, first.id)).status).toBe('succeeded');
    const uploads = () =>
      replicate.state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files').length;
    const before = {
      predictions: createRequests(replicate).length,
      moderations: openai.moderations().length,
      files: uploads(),
    };
    // A blocked term costs no moderation call, and the last frame is not uploaded.
    const blocked = await refusal(
      sut.service.extend!({ requester: alice, generationId: first.id, prompt: 'then Gore everywhere' }),
    );
    expect(blocked.code).toBe('PROMPT_BLOCKED');
    expect(openai.moderations().length).toBe(before.moderations);
    expect(uploads()).toBe(before.files);
    const error = await refusal(
      sut.service.extend!({
        requester: alice,
        generationId: first.id,
        prompt: 'then a knife fight breaks out',
      }),
    );
    expect(error.code).toBe('PROMPT_FLAGGED');
    expect(error.userMessage).toBe('This prompt was flagged for violence.');
    expect(openai.moderations().length).toBe(before.moderations + 1);
    expect(createRequests(replicate).length).toBe(before.predictions);
    expect(uploads()).toBe(before.files);
    expect((await sut.store.list({ search: 'knife' })).items).toHaveLength(0);
  });
});
