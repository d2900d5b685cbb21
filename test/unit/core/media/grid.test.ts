import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../../../src/core/errors.js';
import { probe } from '../../../../src/core/media/ffmpeg.js';
import { composeGrid, defaultGridFont, gridShape } from '../../../../src/core/media/grid.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-grid-'));
const wide = path.join(dir, 'wide.mp4');
const tall = path.join(dir, 'tall.mp4');
const square = path.join(dir, 'square.mp4');

function clip(file: string, size: string, seconds: number, rate: number) {
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`],
    ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file],
  ]);
}

/** The mean brightness of one frame at `seconds`, read through ffmpeg's signalstats. */
function frameLuma(file: string, seconds: number, crop: string): number {
  const out = execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1'],
      ...[
        '-vf',
        `crop=${crop},signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file=-`,
        '-f',
        'null',
        '-',
      ],
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return Number(/YAVG=([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
}

beforeAll(() => {
  clip(wide, '640x360', 1, 30);
  clip(tall, '240x426', 2.5, 24);
  clip(square, '300x300', 1.5, 25);
});

describe('composeGrid', () => {
  it('lays out 2 to 4 tiles', () => {
    expect(gridShape(2)).toEqual({ columns: 2, rows: 1 });
    expect(gridShape(3)).toEqual({ columns: 3, rows: 1 });
    expect(gridShape(4)).toEqual({ columns: 2, rows: 2 });
  });

  it('stacks clips of different sizes at one height, as long as the longest', async () => {
    const out = path.join(dir, 'grid2.mp4');
    await composeGrid(
      [
        { file: wide, label: 'acme/wide: model' },
        { file: tall, label: "o'brien/tall 100%" },
      ],
      out,
      { tileHeight: 240 },
    );
    const info = await probe(out);
    // Both at 240 high; each tile as wide as the widest (640x360 → 426 at 240), side by side.
    expect(info).toMatchObject({
      height: 240,
      width: 2 * 426,
      codec: 'h264',
      pixelFormat: 'yuv420p',
      hasAudio: false,
    });
    expect(info.durationSeconds).toBeGreaterThan(2.3);
    expect(info.durationSeconds).toBeLessThan(2.8);
    // The short clip is held on its last frame: its tile is not black after it ended.
    expect(frameLuma(out, 2.2, '426:200:0:0')).toBeGreaterThan(30);
  });

  it('puts four clips in two rows and labels them when the font is there', async () => {
    const out = path.join(dir, 'grid4.mp4');
    await composeGrid(
      [wide, tall, square, wide].map((file, i) => ({ file, label: `model ${i}` })),
      out,
      { tileHeight: 200 },
    );
    const info = await probe(out);
    expect(info.height).toBe(400);
    expect(info.width).toBe(2 * 356);
    expect(info.durationSeconds).toBeGreaterThan(2.3);
    expect(fs.existsSync(defaultGridFont)).toBe(true);
  });

  it('still makes the grid without a label font', async () => {
    const out = path.join(dir, 'nofont.mp4');
    await composeGrid(
      [
        { file: square, label: 'a' },
        { file: wide, label: 'b' },
      ],
      out,
      { tileHeight: 120, fontFile: path.join(dir, 'missing.ttf') },
    );
    expect((await probe(out)).height).toBe(120);
  });

  it('refuses an empty grid', async () => {
    await expect(composeGrid([], path.join(dir, 'x.mp4'))).rejects.toBeInstanceOf(MediaError);
  });
});
