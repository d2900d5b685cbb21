import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationProgress } from '../../../src/simulation/pipeline.js';
import { renderSimulation } from '../../../src/simulation/render-on-worker.js';
import type { RenderQuality } from '../../../src/simulation/renderer/index.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'reelbot-render-'));
});
afterAll(() => fs.promises.rm(dir, { recursive: true, force: true }));

const scene = parseScene({
  duration: 1,
  fps: 24,
  resolution: { width: 320, height: 240 },
  objects: [
    { shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0], color: '#d8342c' },
    { shape: 'sphere', size: [0.8, 0.8, 0.8], position: [0.2, 3, 0.1], color: '#2f6fd6', restitution: 0.6 },
    {
      shape: 'cylinder',
      size: [0.6, 1.2, 0.6],
      position: [-1.5, 2, 0.5],
      rotation: [40, 0, 20],
      color: '#3aa64c',
    },
    {
      shape: 'capsule',
      size: [0.5, 1.4, 0.5],
      position: [1.5, 1.5, -0.5],
      rotation: [0, 0, 70],
      color: '#f2c218',
    },
  ],
  camera: { position: [4, 3.5, 6], lookAt: [0, 0.8, 0] },
});

/** Luma of one decoded frame, as ffmpeg decodes it: width * height bytes. */
async function decodeFrame(file: string, index: number): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `select=eq(n\\,${index})`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/** The raw RGBA frames of the scene at 160x120, drawn with `quality`. */
async function rawFrames(name: string, quality?: Partial<RenderQuality>): Promise<Buffer> {
  const out = path.join(dir, `${name}.rgba`);
  const small = { ...scene, resolution: { width: 160, height: 120 } };
  await renderSimulation(small, out, { encoder: { format: 'rgba' }, quality });
  return fs.promises.readFile(out);
}

/** Neighbouring pixels (across a row) of RGBA frames 160 wide whose green differs by more than 96. */
function hardSteps(frames: Buffer): number {
  let steps = 0;
  for (let i = 4; i < frames.length; i += 4)
    if ((i / 4) % 160 !== 0 && Math.abs(frames[i + 1]! - frames[i - 3]!) > 96) steps++;
  return steps;
}

function variance(pixels: Buffer): number {
  let sum = 0;
  let squares = 0;
  for (const p of pixels) {
    sum += p;
    squares += p * p;
  }
  const mean = sum / pixels.length;
  return squares / pixels.length - mean * mean;
}

describe('renderSimulation (real Rapier, headless-gl under its own Xvfb, ffmpeg)', () => {
  it('makes a valid MP4 with the expected frames and size, and frames that show something', async () => {
    const out = path.join(dir, 'short.mp4');
    const progress: SimulationProgress[] = [];
    const result = await renderSimulation(scene, out, { onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({
      frames: 24,
      width: 320,
      height: 240,
      fps: 24,
      durationSeconds: 1,
      outFile: out,
    });
    expect(result.bytes).toBe((await fs.promises.stat(out)).size);
    expect(result.quality.supersample).toBe(2);

    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,pix_fmt,nb_read_frames,avg_frame_rate',
      '-show_entries',
      'format=format_name',
      '-of',
      'json',
      out,
    ]);
    const probe = JSON.parse(stdout) as {
      streams: Record<string, unknown>[];
      format: { format_name: string };
    };
    expect(probe.streams[0]).toMatchObject({
      codec_name: 'h264',
      width: 320,
      height: 240,
      pix_fmt: 'yuv420p',
      nb_read_frames: '24',
      avg_frame_rate: '24/1',
    });
    expect(probe.format.format_name).toContain('mp4');

    // +faststart: the index (moov) comes before the media data (mdat).
    const head = (await fs.promises.readFile(out)).subarray(0, 64 * 1024).toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(0);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'));

    for (const index of [0, 12, 23]) {
      const frame = await decodeFrame(out, index);
      expect(frame.length).toBe(320 * 240);
      expect(variance(frame)).toBeGreaterThan(100);
    }
    // Things move: the first and the last frame differ.
    const [first, last] = [await decodeFrame(out, 0), await decodeFrame(out, 23)];
    expect(first.equals(last)).toBe(false);

    const stages = [...new Set(progress.map((p) => p.stage))];
    expect(stages).toEqual(['simulate', 'render', 'encode']);
    expect(progress.filter((p) => p.stage === 'render').at(-1)).toEqual({
      stage: 'render',
      frame: 24,
      totalFrames: 24,
    });
    for (const key of [
      'simulateMs',
      'renderMs',
      'readbackMs',
      'encodeWaitMs',
      'startupMs',
      'wallMs',
    ] as const)
      expect(result.timings[key]).toBeGreaterThanOrEqual(0);
    // CPU: the worker drew the frames, and ffmpeg (reaped by the worker) encoded them.
    expect(result.timings.cpuMs).toBeGreaterThan(0);
    expect(result.timings.encoderCpuMs).toBeGreaterThan(0);
  });

  it.each([
    ['supersampled', { supersample: 2 }],
    ['edge-smoothed', { supersample: 1, smoothEdges: true }],
  ] as const)(
    'draws the same %s frames when it redraws only what moved as when it redraws everything',
    async (name, quality) => {
      const partial = await rawFrames(`${name}-partial`, quality);
      const full = await rawFrames(`${name}-full`, { ...quality, partialRedraw: false });
      expect(partial.length).toBe(160 * 120 * 4 * 24);
      expect(partial.equals(full)).toBe(true);
    },
  );

  it('smooths the stair steps along the edges of bodies drawn once per pixel, and leaves the rest', async () => {
    const sharp = await rawFrames('sharp', { supersample: 1, smoothEdges: false });
    const smooth = await rawFrames('smooth', { supersample: 1, smoothEdges: true });
    expect(hardSteps(smooth)).toBeLessThan(0.7 * hardSteps(sharp));
    let differing = 0;
    for (let i = 0; i < sharp.length; i++) if (sharp[i] !== smooth[i]) differing++;
    expect(differing / sharp.length).toBeLessThan(0.1);
  });

  it('draws the ground once for a still camera, and its frames match drawing it every time', async () => {
    const [a, b] = [await rawFrames('baked'), await rawFrames('drawn', { bakedGround: false })];
    expect(a.length).toBe(b.length);
    // Full light and full shade are the same to the bit; only the filtered edges of shadows mix
    // gamma-encoded plates, a shade off.
    let differing = 0;
    let largest = 0;
    for (let i = 0; i < a.length; i++) {
      const difference = Math.abs(a[i]! - b[i]!);
      if (difference > 0) differing++;
      largest = Math.max(largest, difference);
    }
    expect(largest).toBeLessThanOrEqual(8);
    expect(differing / a.length).toBeLessThan(0.02);
  });

  it('says what to install when Xvfb is missing', async () => {
    const failure = renderSimulation(scene, path.join(dir, 'never.mp4'), {
      xvfb: { command: path.join(dir, 'no-such-Xvfb') },
    });
    await expect(failure).rejects.toMatchObject({
      code: 'RENDER_XVFB_MISSING',
      message: expect.stringContaining('apt-get install xvfb'),
    });
  });

  it('stops when canceled, leaving no file and no Xvfb behind', async () => {
    const controller = new AbortController();
    const servers: ChildProcess[] = [];
    const out = path.join(dir, 'canceled.mp4');
    const failure = renderSimulation(parseScene({ ...scene, duration: 10 }), out, {
      signal: controller.signal,
      xvfb: {
        spawn: (command, args, options) => {
          const child = spawn(command, args, options);
          servers.push(child);
          return child;
        },
      },
      onProgress: (p) => {
        if (p.stage === 'render' && p.frame === 3) controller.abort();
      },
    });
    await expect(failure).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });
    expect(servers).toHaveLength(1);
    expect(servers[0]!.exitCode !== null || servers[0]!.signalCode !== null).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
  });
});
