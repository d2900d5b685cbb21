import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../../src/core/media/ffmpeg.js';
import { readMp4Header } from '../../../../src/core/media/mp4-header.js';
import { fakeMedia } from '../../../fakes/replicate/media.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-mp4-header-'));
const file = (name: string) => path.join(dir, name);
const ffmpeg = (args: string[], out: string) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, out]);
const testsrc = (size: string, seconds: number) => [
  ...['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-t', String(seconds)],
  ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
];

beforeAll(() => {
  // moov after mdat, as an encoder writes it without +faststart; lossless, so the moov box lies far
  // beyond the first read of the header.
  ffmpeg([...testsrc('352x288', 3), '-qp', '0'], file('moov-last.mp4'));
  // QuickTime, audio track first: the video is the second trak.
  ffmpeg(
    [
      ...['-f', 'lavfi', '-i', 'sine=frequency=300', '-f', 'lavfi', '-i', 'testsrc=size=200x112:rate=30'],
      ...[
        '-t',
        '1.5',
        '-map',
        '0:a',
        '-map',
        '1:v',
        '-c:a',
        'aac',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
      ],
    ],
    file('audio-first.mov'),
  );
  ffmpeg(
    ['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10', '-t', '1', '-c:v', 'libvpx', '-b:v', '100k'],
    file('clip.webm'),
  );
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300', '-t', '1', '-c:a', 'aac'], file('sound.m4a'));
});

describe('reading an MP4 header without ffprobe', () => {
  it.each([
    ['the sample (faststart, with audio)', async () => (await fakeMedia()).video],
    ['moov after mdat', async () => file('moov-last.mp4')],
    ['a QuickTime file whose first track is audio', async () => file('audio-first.mov')],
  ])('agrees with ffprobe on size and duration for %s', async (_name, which) => {
    const video = await which();
    const [header, probed] = await Promise.all([readMp4Header(video), probe(video)]);
    expect(header).toMatchObject({ width: probed.width, height: probed.height, codec: 'avc1' });
    expect(header!.durationSeconds).toBeCloseTo(probed.durationSeconds!, 1);
  });

  it('leaves to ffprobe what is not an MP4 video: WebM, PNG, audio only, text', async () => {
    fs.writeFileSync(file('note.mp4'), 'not a video at all, only text pretending');
    for (const name of ['clip.webm', 'sound.m4a', 'note.mp4'])
      expect(await readMp4Header(file(name)), name).toBeUndefined();
    expect(await readMp4Header((await fakeMedia()).image)).toBeUndefined();
  });

  it('gives up on a file cut short before or inside its moov box', async () => {
    const whole = fs.readFileSync(file('moov-last.mp4'));
    const moovAt = whole.indexOf('moov') - 4;
    expect(moovAt).toBeGreaterThan(256 * 1024);
    for (const [name, length] of [
      ['before-moov.mp4', moovAt],
      ['inside-moov.mp4', moovAt + 40],
    ] as const) {
      fs.writeFileSync(file(name), whole.subarray(0, length));
      expect(await readMp4Header(file(name)), name).toBeUndefined();
    }
  });
});
