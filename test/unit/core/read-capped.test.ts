import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../../../src/core/errors.js';
import { formatCap, readFileCapped } from '../../../src/core/read-capped.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-read-capped-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<FileError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FileError);
  return error as FileError;
}

describe('readFileCapped', () => {
  it('reads a file of exactly the cap, whole', async () => {
    const file = path.join(tmp, 'exact.json');
    fs.writeFileSync(file, Buffer.alloc(4096, 'a'));
    const bytes = await readFileCapped(file, 4096, 'scene file');
    expect(bytes.length).toBe(4096);
    expect(bytes.every((b) => b === 'a'.charCodeAt(0))).toBe(true);
  });

  it('refuses one byte over the cap, naming the file, the cap and the hint', async () => {
    const file = path.join(tmp, 'over.json');
    fs.writeFileSync(file, Buffer.alloc(1024 * 1024 + 1));
    const error = await failure(readFileCapped(file, 1024 * 1024, 'scene file', 'scenes are small'));
    expect(error.code).toBe('FILE_TOO_LARGE');
    expect(error.message).toBe(`The scene file ${file} is over 1 MB; scenes are small.`);
  });

  it('stops reading /dev/zero at the cap instead of reading for ever', async () => {
    const error = await failure(readFileCapped('/dev/zero', 256 * 1024, 'image'));
    expect(error.code).toBe('FILE_TOO_LARGE');
  });

  it('stops reading an endless FIFO at the cap', async () => {
    const fifo = path.join(tmp, 'endless');
    execFileSync('mkfifo', [fifo]);
    // `yes` writes until the reader goes away, then dies of SIGPIPE.
    const writer = spawn('sh', ['-c', `exec yes > "${fifo}"`], { stdio: 'ignore' });
    const ended = new Promise((resolve) => writer.once('exit', resolve));
    const error = await failure(readFileCapped(fifo, 128 * 1024, 'schema file'));
    expect(error.code).toBe('FILE_TOO_LARGE');
    await ended;
  });

  it('says plainly when the file is missing or a directory', async () => {
    const missing = await failure(readFileCapped(path.join(tmp, 'absent.json'), 10, 'scene file'));
    expect(missing.code).toBe('FILE_UNREADABLE');
    expect(missing.message).toContain('there is no such file');
    const directory = await failure(readFileCapped(tmp, 10, 'scene file'));
    expect(directory.code).toBe('FILE_UNREADABLE');
    expect(directory.message).toContain('it is a directory');
  });

  it('writes caps as a person reads them', () => {
    expect(formatCap(1024 * 1024)).toBe('1 MB');
    expect(formatCap(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatCap(2.5 * 1024 * 1024)).toBe('2.5 MB');
    expect(formatCap(512 * 1024)).toBe('512 KB');
  });
});
