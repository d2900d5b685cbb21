import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashChunksOffThread, maxBehindBytes } from '../../../../src/core/media/chunk-hasher.js';

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

describe('hashing written chunks on the worker thread', () => {
  it('gives the sha256 of every chunk in order, across many messages', async () => {
    const chunks = Array.from({ length: 70 }, (_, i) => owned(64 * 1024 + i));
    const expected = sha256(...chunks);
    const hash = hashChunksOffThread();
    for (let i = 0; i < chunks.length; i += 3) await hash.update(chunks.slice(i, i + 3));
    expect(await hash.digest()).toBe(expected);
  });

  it('moves a chunk that owns its memory, and copies a view into shared memory, leaving it whole', async () => {
    const whole = owned(256 * 1024);
    // Small Buffers share one pooled ArrayBuffer: moving it would empty every other Buffer in it.
    const pooled = Buffer.from('a short pooled chunk');
    const neighbour = Buffer.from('its neighbour in the pool');
    expect(pooled.buffer).toBe(neighbour.buffer);
    const expected = sha256(whole, pooled);
    const hash = hashChunksOffThread();
    hash.update([whole, pooled]);
    expect(await hash.digest()).toBe(expected);
    expect(whole.byteLength).toBe(0);
    expect(pooled.toString()).toBe('a short pooled chunk');
    expect(neighbour.toString()).toBe('its neighbour in the pool');
  });

  it('keeps apart files hashed at the same time, and an empty one', async () => {
    const a = owned(3 * 1024 * 1024);
    const b = owned(2 * 1024 * 1024);
    const [expectA, expectB] = [sha256(a), sha256(b)];
    const hashA = hashChunksOffThread();
    const hashB = hashChunksOffThread();
    const empty = hashChunksOffThread();
    hashA.update([a.subarray(0, 1024 * 1024)]);
    hashB.update([b]);
    hashA.update([a.subarray(1024 * 1024)]);
    expect(await Promise.all([hashB.digest(), empty.digest(), hashA.digest()])).toEqual([
      expectB,
      sha256(),
      expectA,
    ]);
  });

  it('asks the writer to wait once the worker is far behind, and lets it go on when it catches up', async () => {
    const chunks = Array.from({ length: maxBehindBytes / (1024 * 1024) + 2 }, () => owned(1024 * 1024));
    const expected = sha256(...chunks);
    const hash = hashChunksOffThread();
    // One turn of the event loop: the worker's answers cannot arrive in between.
    const answers = chunks.map((chunk) => hash.update([chunk]));
    const waits = answers.filter((answer) => answer !== undefined);
    expect(answers.slice(0, maxBehindBytes / (1024 * 1024))).toEqual(
      Array(maxBehindBytes / (1024 * 1024)).fill(undefined),
    );
    expect(waits.length).toBeGreaterThan(0);
    await Promise.all(waits);
    expect(await hash.digest()).toBe(expected);
  });

  it('forgets a dropped hash, and the others go on', async () => {
    const dropped = hashChunksOffThread();
    dropped.update([owned(2 * 1024 * 1024)]);
    dropped.drop();
    const kept = owned(1024 * 1024);
    const expected = sha256(kept);
    const hash = hashChunksOffThread();
    hash.update([kept]);
    expect(await hash.digest()).toBe(expected);
  });

  it('never keeps a process alive: one with nothing left to do exits, digested or not', async () => {
    const owner = path.join(import.meta.dirname, 'chunk-hasher-owner.ts');
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
    expect(await run('digest')).toEqual({ code: 0, out: `${expected}\n` });
    expect(await run('abandon')).toEqual({ code: 0, out: '' });
  });
});
