import fs from 'node:fs';
import { MediaError } from '../errors.js';
import { type FfmpegOptions, probe, runFfmpeg } from './ffmpeg.js';
import { playableMp4OutputArgs } from './playable-mp4.js';

/** One clip of a grid, and the words written on its tile (the model that made it). */
export interface GridTile {
  file: string;
  label: string;
}

/** How a grid is drawn. */
export interface GridOptions extends FfmpegOptions {
  /** Every tile is scaled to this height (even); 360 by default, so four tiles stay near 720p. */
  tileHeight?: number;
  /**
   * The TrueType font of the labels. DejaVu Sans (Debian's `fonts-dejavu-core`, which the image
   * installs) by default; when the file is missing the tiles carry no label rather than failing.
   */
  fontFile?: string;
}

/** Where Debian's fonts-dejavu-core puts DejaVu Sans. */
export const defaultGridFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Frame rate of the grid: the tiles' rates differ, and xstack needs one. */
const gridRate = 24;

/** Columns and rows for n tiles: side by side up to 2 (or 3), then 2×2. */
export function gridShape(n: number): { columns: number; rows: number } {
  if (n <= 3) return { columns: n, rows: 1 };
  return { columns: 2, rows: Math.ceil(n / 2) };
}

/** Text for drawtext's `text=` option: its own escapes inside a single-quoted filter argument. */
function drawtextText(label: string): string {
  // Backslash, colon, quote and percent mean something to drawtext or the filter parser.
  return label
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/\\/g, '\\\\\\\\')
    .replace(/'/g, '\u2019')
    .replace(/:/g, '\\:')
    .replace(/%/g, '\\%');
}

/**
 * Writes one MP4 showing every clip at once: each scaled to a common height (keeping its shape,
 * padded to a common width), labelled with its model, shorter clips held on their last frame until
 * the longest ends, laid out with xstack. H.264, yuv420p, +faststart, no audio (the clips' sounds
 * would play over each other). Throws `MEDIA_GRID_EMPTY` with no tiles, `MEDIA_FFMPEG_FAILED` when
 * ffmpeg fails.
 */
export async function composeGrid(tiles: GridTile[], out: string, options: GridOptions = {}): Promise<void> {
  if (tiles.length === 0) throw new MediaError('MEDIA_GRID_EMPTY', 'a grid needs at least one clip');
  const height = Math.max(2, Math.floor((options.tileHeight ?? 360) / 2) * 2);
  const probes = await Promise.all(tiles.map((tile) => probe(tile.file, options)));
  const longest = Math.max(...probes.map((p) => p.durationSeconds ?? 0));
  // One tile width for all: the widest clip's at the common height, so the grid is regular.
  const width =
    Math.max(
      ...probes.map((p) => Math.round((((p.width ?? height) / (p.height ?? height)) * height) / 2) * 2),
    ) || height;
  const font = options.fontFile ?? defaultGridFont;
  const labelled = fs.existsSync(font);
  const fontSize = Math.max(12, Math.round(height / 18));
  const { columns } = gridShape(tiles.length);

  const chains = tiles.map((tile, i) => {
    const hold = Math.max(0, longest - (probes[i]?.durationSeconds ?? longest));
    const steps = [
      `fps=${gridRate}`,
      `scale=-2:${height}`,
      `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black`,
      'setsar=1',
      // A shorter clip shows its last frame until the longest ends.
      ...(hold > 0 ? [`tpad=stop_mode=clone:stop_duration=${hold.toFixed(3)}`] : []),
      ...(labelled
        ? [
            `drawtext=fontfile='${font}':text='${drawtextText(tile.label)}':fontcolor=white:fontsize=${fontSize}:box=1:boxcolor=black@0.6:boxborderw=6:x=8:y=h-th-14`,
          ]
        : []),
      `trim=duration=${longest > 0 ? longest.toFixed(3) : '1'}`,
    ];
    return `[${i}:v]${steps.join(',')}[t${i}]`;
  });
  const layout = tiles
    .map((_, i) => `${(i % columns) * width}_${Math.floor(i / columns) * height}`)
    .join('|');
  const stack =
    tiles.length === 1
      ? '[t0]null[grid]'
      : `${tiles.map((_, i) => `[t${i}]`).join('')}xstack=inputs=${tiles.length}:layout=${layout}:fill=black[grid]`;
  await runFfmpeg(
    [
      ...tiles.flatMap((tile) => ['-i', tile.file]),
      ...['-filter_complex', [...chains, stack].join(';'), '-map', '[grid]', '-an'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-r', String(gridRate)],
      ...playableMp4OutputArgs,
    ],
    out,
    'make the grid video',
    options,
  );
}
