import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentError } from '../../../../src/core/errors.js';
import { checkImage, prepareAttachment } from '../../../../src/core/media/attachments.js';
import { createReplicateApi } from '../../../../src/core/replicate/client.js';
import { fakeMedia } from '../../../fakes/replicate/media.js';
import { type FakeReplicate, startFakeReplicate } from '../../../fakes/replicate/server.js';

let fake: FakeReplicate;
let chat: http.Server;
let chatUrl: string;
let png: Buffer;
const seenAuth: (string | undefined)[] = [];

beforeAll(async () => {
  fake = await startFakeReplicate();
  png = fs.readFileSync((await fakeMedia()).image);
  chat = http.createServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    if (req.url === '/private/cat.png') {
      if (req.headers.authorization !== 'Bearer xoxb-test') return res.writeHead(403).end();
      return res.writeHead(200, { 'content-length': png.length }).end(png);
    }
    if (req.url === '/fake.png') return res.writeHead(200).end('this is a text file, not a picture');
    if (req.url === '/huge.png') {
      res.writeHead(200);
      res.write(png);
      return res.end(Buffer.alloc(11 * 1024 * 1024));
    }
    if (req.url === '/moved.png') return res.writeHead(302, { location: '/private/cat.png' }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => chat.close(() => resolve()));
});

const api = () => createReplicateApi({ token: fake.state.token, apiUrl: fake.apiUrl });

async function refusal(promise: Promise<unknown>): Promise<AttachmentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AttachmentError);
  return error as AttachmentError;
}

describe('chat attachments', () => {
  it('fetches an image with the platform header, checks it and uploads it through the Files API', async () => {
    const result = await prepareAttachment(
      {
        url: `${chatUrl}/private/cat.png`,
        headers: { authorization: 'Bearer xoxb-test' },
        filename: 'cat.png',
      },
      api(),
    );
    expect(result.image).toMatchObject({ ext: 'png', mime: 'image/png', width: 320, height: 240 });
    const id = result.url.split('/').at(-1)!;
    expect(result.url).toBe(`${fake.baseUrl}/v1/files/${id}`);
    const uploaded = fake.state.predictions.files.get(id);
    expect(uploaded?.bytes.equals(png)).toBe(true);
    expect(uploaded).toMatchObject({ name: 'cat.png', contentType: 'image/png' });
  });

  it('refuses a file named .png whose bytes are not an image, with a clear message', async () => {
    const error = await refusal(
      prepareAttachment({ url: `${chatUrl}/fake.png`, filename: 'holiday.png' }, api()),
    );
    expect(error.code).toBe('ATTACHMENT_WRONG_TYPE');
    expect(error.userMessage).toMatch(/"holiday.png" is not a JPEG, PNG, GIF or WebP image/);
  });

  it('refuses more than 10 MB, whether announced or found while reading', async () => {
    expect((await refusal(prepareAttachment({ url: `${chatUrl}/huge.png`, size: 20e6 }, api()))).code).toBe(
      'ATTACHMENT_TOO_LARGE',
    );
    const error = await refusal(prepareAttachment({ url: `${chatUrl}/huge.png` }, api()));
    expect(error.code).toBe('ATTACHMENT_TOO_LARGE');
    expect(error.userMessage).toMatch(/at most 10 MB/);
  });

  it('keeps the auth header on redirects to the same host only', async () => {
    seenAuth.length = 0;
    const result = await prepareAttachment(
      { url: `${chatUrl}/moved.png`, headers: { authorization: 'Bearer xoxb-test' } },
      api(),
    );
    expect(result.image.ext).toBe('png');
    expect(seenAuth).toEqual(['Bearer xoxb-test', 'Bearer xoxb-test']);
  });

  it('refuses images of absurd size', async () => {
    const tiny = Buffer.from(png);
    tiny.writeUInt32BE(4, 16);
    tiny.writeUInt32BE(4, 20);
    expect((await refusal(checkImage(tiny, 'dot.png'))).code).toBe('ATTACHMENT_DIMENSIONS');
  });
});
