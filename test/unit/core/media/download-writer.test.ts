import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maxBehindBytes, WriteFailure, writeOffThread } from '../../../../src/core/media/download-writer.js';

const sha256 = (...buffers: Buffer[]) => {
  const hash = createHash('sha256');
  for (const buffer of buffers) hash.update(buffer);
  return hash.digest('hex');
};

/** A chunk that owns its memory, as a socket read does. */
const owned = (bytes: number) => {
  const chunk = Buffer.allocUnsafeSlow(bytes);
  randomBytes(bytes).copy(chunk);
  return chunk;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-writer-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
/** A new file to write, and what it holds once closed. */
function newFile() {
  const file = path.join(dir, `file-${files++}.part`);
  const fd = fs.openSync(file, 'wx');
  return {
    fd,
    contents() {
      fs.closeSync(fd);
      return fs.readFileSync(file);
    },
  };
}

describe('writing and hashing a download on the worker thread', () => {
  it('writes every chunk in order and gives their sha256, across many messages', async () => {
    const chunks = Array.from({ length: 70 }, (_, i) => owned(64 * 1024 + i));
    const whole = Buffer.concat(chunks);
    const file = newFile();
    const writer = writeOffThread(file.fd);
    for (const chunk of chunks) await writer.push(chunk);
    expect(await writer.finish()).toEqual({ sha256: sha256(whole), written: whole.length });
    expect(file.contents().equals(whole)).toBe(true);
  });

  it('moves a chunk that owns its memory, and copies a view into shared memory, leaving it whole', async () => {
    const whole = owned(2 * 1024 * 1024);
    // Small Buffers share one pooled ArrayBuffer: moving it would empty every other Buffer in it.
    const pooled = Buffer.from('a short pooled chunk');
    const neighbour = Buffer.from('its neighbour in the pool');
    expect(pooled.buffer).toBe(neighbour.buffer);
    const expected = Buffer.concat([whole, pooled]);
    const file = newFile();
    const writer = writeOffThread(file.fd);
    writer.push(whole);
    writer.push(pooled);
    expect((await writer.finish()).sha256).toBe(sha256(expected));
    expect(whole.byteLength).toBe(0);
    expect(pooled.toString()).toBe('a short pooled chunk');
    expect(neighbour.toString()).toBe('its neighbour in the pool');
    expect(file.contents().equals(expected)).toBe(true);
  });

  it('keeps apart files written at the same time, and an empty one', async () => {
    const a = owned(3 * 1024 * 1024);
    const b = owned(2 * 1024 * 1024);
    const [expectA, expectB] = [Buffer.from(a), Buffer.from(b)];
    const [fileA, fileB, fileEmpty] = [newFile(), newFile(), newFile()];
    const writerA = writeOffThread(fileA.fd);
    const writerB = writeOffThread(fileB.fd);
    const empty = writeOffThread(fileEmpty.fd);
    writerA.push(a.subarray(0, 1024 * 1024));
    writerB.push(b);
    writerA.push(a.subarray(1024 * 1024));
    const results = await Promise.all([writerB.finish(), empty.finish(), writerA.finish()]);
    expect(results.map((r) => r.sha256)).toEqual([sha256(expectB), sha256(), sha256(expectA)]);
    expect(fileA.contents().equals(expectA)).toBe(true);
    expect(fileB.contents().equals(expectB)).toBe(true);
    expect(fileEmpty.contents().length).toBe(0);
  });

  it('asks the reader to wait once the worker is far behind, and lets it go on when it catches up', async () => {
    const chunks = Array.from({ length: maxBehindBytes / (1024 * 1024) + 2 }, () => owned(1024 * 1024));
    const whole = Buffer.concat(chunks);
    const file = newFile();
    const writer = writeOffThread(file.fd);
    // One turn of the event loop: the worker's answers cannot arrive in between.
    const answers = chunks.map((chunk) => writer.push(chunk));
    const inReach = maxBehindBytes / (1024 * 1024);
    expect(answers.slice(0, inReach)).toEqual(Array(inReach).fill(undefined));
    const waits = answers.filter((answer) => answer !== undefined);
    expect(waits.length).toBeGreaterThan(0);
    await Promise.all(waits);
    expect((await writer.finish()).sha256).toBe(sha256(whole));
    expect(file.contents().equals(whole)).toBe(true);
  });

  it('fails with the write error and the bytes written when the disk is full, and the others go on', async () => {
    // Every write to /dev/full fails with ENOSPC, as a full disk does.
    const full = fs.openSync('/dev/full', 'w');
    const failing = writeOffThread(full);
    failing.push(owned(2 * 1024 * 1024));
    const error = await failing.finish().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WriteFailure);
    expect(error).toMatchObject({ code: 'ENOSPC', written: 0 });
    // Once failed, a push says so at once, and the reader stops.
    await expect(failing.push(owned(1024))).rejects.toBe(error);
    await failing.drop();
    fs.closeSync(full);
    const kept = owned(1024 * 1024);
    const file = newFile();
    const writer = writeOffThread(file.fd);
    writer.push(Buffer.from(kept));
    expect((await writer.finish()).sha256).toBe(sha256(kept));
    expect(file.contents().equals(kept)).toBe(true);
  });

  it('never touches a dropped file again once the drop has settled, and the others go on', async () => {
    const file = newFile();
    const dropped = writeOffThread(file.fd);
    dropped.push(owned(2 * 1024 * 1024));
    dropped.push(owned(512 * 1024));
    await dropped.drop();
    const sizeAtDrop = fs.fstatSync(file.fd).size;
    // Later messages to the worker are handled after the drop: the dropped file did not grow.
    const other = newFile();
    const kept = owned(1024 * 1024);
    const writer = writeOffThread(other.fd);
    writer.push(Buffer.from(kept));
    expect((await writer.finish()).sha256).toBe(sha256(kept));
    expect(fs.fstatSync(file.fd).size).toBe(sizeAtDrop);
    expect(sizeAtDrop).toBeLessThanOrEqual(2 * 1024 * 1024);
    file.contents();
    expect(other.contents().equals(kept)).toBe(true);
  });

  it('never keeps a process alive: one with nothing left to do exits, finished or not', async () => {
    const owner = path.join(import.meta.dirname, 'download-writer-owner.ts');
    const run = (mode: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', owner, mode], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (data: Buffer) => {
          out += data;
        });
        child.once('exit', (code) => resolve({ code, out }));
      });
    const expected = sha256(...[0, 1, 2].map((i) => Buffer.alloc(1024 * 1024, i)));
    expect(await run('finish')).toEqual({ code: 0, out: `${expected}\n` });
    expect(await run('abandon')).toEqual({ code: 0, out: '' });
  });

  it('counts a short write exactly, inside a chunk that is not the first, and fails with the reason', async () => {
    // Three 1 MB chunks go to the worker in one message, and one writev; a limit in the middle of
    // the second makes it take only part, and writing the rest fails with EFBIG.
    const limit = 1.5 * 1024 * 1024 + 1;
    const owner = path.join(import.meta.dirname, 'download-writer-owner.ts');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'prlimit',
        [`--fsize=${limit}`, process.execPath, '--import', 'tsx', owner, 'limit'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let text = '';
      child.stdout.on('data', (data: Buffer) => {
        text += data;
      });
      child.once('error', reject);
      child.once('exit', () => resolve(text));
    });
    const result = JSON.parse(out) as { code: string; written: number; held: string };
    expect(result).toMatchObject({ code: 'EFBIG', written: limit });
    const expected = Buffer.concat([0, 1, 2].map((i) => Buffer.alloc(1024 * 1024, i))).subarray(0, limit);
    expect(Buffer.from(result.held, 'base64').equals(expected)).toBe(true);
  });
});
