import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../../../../src/core/media/json-file.js';
import { fakeMedia } from '../../../fakes/replicate/media.js';

describe('readJsonFile', () => {
  it('reads JSON, with or without the byte order mark a Windows editor writes', async () => {
    expect(await readJsonFile(Buffer.from('{"objects":[]}'))).toEqual({ ok: true, value: { objects: [] } });
    expect(await readJsonFile(Buffer.from('\ufeff{"objects":[]}\r\n'))).toEqual({
      ok: true,
      value: { objects: [] },
    });
  });

  it('reads UTF-16 by its byte order mark, either way round, and refuses a broken one as not text', async () => {
    const text = Buffer.from('\ufeff{"objects":[]}', 'utf16le');
    expect(await readJsonFile(text)).toEqual({ ok: true, value: { objects: [] } });
    expect(await readJsonFile(Buffer.from(text).swap16())).toEqual({ ok: true, value: { objects: [] } });
    // An odd number of bytes: no UTF-16 text ends half way through a character.
    expect(await readJsonFile(text.subarray(0, -1))).toEqual({
      ok: false,
      problem: 'it is not text, so not JSON',
    });
  });

  it('names what a picture or a video is instead of quoting its bytes', async () => {
    const media = await fakeMedia();
    expect(await readJsonFile(fs.readFileSync(media.image))).toEqual({
      ok: false,
      problem: 'it is a PNG image, not JSON',
    });
    expect(await readJsonFile(fs.readFileSync(media.video))).toEqual({
      ok: false,
      problem: 'it is an MP4 video, not JSON',
    });
    expect(await readJsonFile(Buffer.from([0x00, 0x01, 0x7b, 0x7d]))).toEqual({
      ok: false,
      problem: 'it is not text, so not JSON',
    });
    expect(await readJsonFile(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual({
      ok: false,
      problem: 'it is not text, so not JSON',
    });
  });

  it('says where text stops being JSON, on one line', async () => {
    const read = await readJsonFile(Buffer.from('{\n  "objects": [\n    oops\n  ]\n}'));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problem).toMatch(/^it is not JSON \(Unexpected token 'o'.* oops .*\)$/);
    expect(!read.ok && read.problem).not.toContain('\n');
  });
});
