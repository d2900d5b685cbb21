import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createEncoder, ffmpegArguments } from '../../../src/simulation/encoder.js';

/** A stand-in ffmpeg whose stdin takes a chunk only when the test lets it. */
function fakeFfmpeg() {
  const taken: Buffer[] = [];
  const waiting: (() => void)[] = [];
  const stdin = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      waiting.push(() => {
        taken.push(chunk);
        done();
      });
    },
  });
  const child = Object.assign(new EventEmitter(), { stdin, stderr: new PassThrough(), kill: () => true });
  stdin.on('finish', () => setImmediate(() => child.emit('close', 0, null)));
  return {
    child: child as unknown as ChildProcess,
    taken,
    /** Lets ffmpeg read the oldest chunk it was given. */
    read: () => waiting.shift()?.(),
    get pending() {
      return waiting.length;
    },
  };
}

describe('encoder', () => {
  it('asks ffmpeg for H.264 in yuv420p with the index first, from raw RGBA on stdin', () => {
    const args = ffmpegArguments(
      { width: 320, height: 240, fps: 24 },
      { preset: 'veryfast', crf: 20, format: 'mp4' },
      'out.mp4',
    );
    expect(args.join(' ')).toContain('-f rawvideo -pix_fmt rgba -s 320x240 -framerate 24 -i pipe:0');
    expect(args.join(' ')).toContain(
      '-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -movflags +faststart',
    );
  });

  it('waits while ffmpeg is behind instead of piling frames up in memory', async () => {
    const fake = fakeFfmpeg();
    const encoder = createEncoder({ width: 16, height: 16, fps: 30 }, 'out.mp4', { spawn: () => fake.child });
    const frame = new Uint8Array(16 * 16 * 4);
    const released: number[] = [];
    let accepted = false;
    const write = encoder
      .write(frame, () => released.push(1))
      .then(() => {
        accepted = true;
      });
    // 1 KB frames against a 1 KB pipe: the write waits for ffmpeg to read.
    await new Promise((resolve) => setImmediate(resolve));
    expect(accepted).toBe(false);
    expect(released).toEqual([]);
    fake.read();
    await write;
    expect(accepted).toBe(true);
    expect(released).toEqual([1]);
    const finished = encoder.finish();
    await finished;
    expect(fake.taken).toHaveLength(1);
  });

  it('reports ffmpeg failing with its own words', async () => {
    const fake = fakeFfmpeg();
    const encoder = createEncoder({ width: 16, height: 16, fps: 30 }, 'out.mp4', { spawn: () => fake.child });
    (fake.child.stderr as PassThrough).write('Unknown encoder libx264\n');
    fake.child.emit('close', 1, null);
    await expect(encoder.finish()).rejects.toMatchObject({
      code: 'SIMULATION_ENCODE_FAILED',
      message: expect.stringContaining('Unknown encoder libx264'),
    });
  });

  it('reports ffmpeg dying mid-video with its own words, not as a broken pipe', async () => {
    const fake = fakeFfmpeg();
    const encoder = createEncoder({ width: 16, height: 16, fps: 30 }, 'out.mp4', { spawn: () => fake.child });
    const write = encoder.write(new Uint8Array(16 * 16 * 4), () => {});
    // ffmpeg gives up while the frame waits in the pipe: stdin breaks first, then the process closes.
    (fake.child.stderr as PassThrough).write('Conversion failed!\n');
    const stdin = fake.child.stdin!;
    const broken = new Promise((resolve) => stdin.once('close', resolve));
    stdin.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await broken;
    fake.child.emit('close', 1, null);
    await expect(write).rejects.toMatchObject({
      code: 'SIMULATION_ENCODE_FAILED',
      message: expect.stringContaining('Conversion failed!'),
    });
  });

  it('says to install ffmpeg when there is none', async () => {
    const encoder = createEncoder({ width: 16, height: 16, fps: 30 }, 'out.mp4', {
      ffmpegPath: '/no/such/ffmpeg',
    });
    await expect(encoder.finish()).rejects.toMatchObject({
      code: 'SIMULATION_FFMPEG_MISSING',
      message: expect.stringContaining('apt-get install ffmpeg'),
    });
  });
});
