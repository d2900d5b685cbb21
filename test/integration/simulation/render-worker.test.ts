import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../src/core/media/ffmpeg.js';
import {
  commandLine,
  identify,
  isRunning,
  type ProcessIdentity,
  readProcessStat,
} from '../../../src/core/process-table.js';
import { encoderNiceness } from '../../../src/simulation/encoder.js';
import { type RenderResult, renderSimulation } from '../../../src/simulation/render-on-worker.js';
import {
  type RenderWorker,
  type RenderWorkerState,
  startRenderWorker,
} from '../../../src/simulation/render-worker-handle.js';
import type { XvfbSpawner } from '../../../src/simulation/renderer/xvfb.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'reelbot-render-worker-'));
});
afterAll(() => fs.promises.rm(dir, { recursive: true, force: true }));

const scene = (duration: number) =>
  parseScene({
    duration,
    fps: 24,
    resolution: { width: 160, height: 120 },
    objects: [
      { shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0], color: '#d8342c' },
      { shape: 'sphere', size: [0.8, 0.8, 0.8], position: [0.2, 3, 0.1], color: '#2f6fd6' },
    ],
  });

/** A worker on its own Xvfb, with every Xvfb it starts kept for inspection. */
function workerWithServers(options: Parameters<typeof startRenderWorker>[0] = {}): {
  worker: RenderWorker;
  servers: ChildProcess[];
} {
  const servers: ChildProcess[] = [];
  const xvfbSpawn: XvfbSpawner = (command, args, options) => {
    const child = spawn(command, args, options);
    servers.push(child);
    return child;
  };
  return { worker: startRenderWorker({ ...options, xvfb: { spawn: xvfbSpawn } }), servers };
}

/** Runs `use` with a fresh worker (see workerWithServers), closes it, and hands both back. */
async function withWorker(
  use: (w: { worker: RenderWorker; servers: ChildProcess[] }) => Promise<void>,
  options?: Parameters<typeof startRenderWorker>[0],
): Promise<{ worker: RenderWorker; servers: ChildProcess[] }> {
  const w = workerWithServers(options);
  try {
    await use(w);
  } finally {
    await w.worker.close();
  }
  return w;
}

const gone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Renders a 10-second video on `worker` and calls `interrupt` once its third frame is drawn. It
 * must fail, and leave no file behind.
 */
async function interruptedAtFrame3(
  worker: RenderWorker,
  name: string,
  interrupt: () => void,
  signal?: AbortSignal,
): Promise<never> {
  const out = path.join(dir, `${name}.mp4`);
  const rendering = renderSimulation(scene(10), out, {
    worker,
    signal,
    onProgress: (p) => {
      if (p.stage === 'render' && p.frame === 3) interrupt();
    },
  });
  await rendering.catch(() => {});
  expect(fs.existsSync(out)).toBe(false);
  await rendering;
  throw new Error('the interrupted render finished');
}

/** Resident memory of a process, in MB. */
function residentMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

/** The spare ffmpeg `workerPid` started ahead of its next video: the process, and the file it will write. */
function spareOf(workerPid: number): { id: ProcessIdentity; file: string } | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || readProcessStat(pid)?.ppid !== workerPid) continue;
    const args = commandLine(pid) ?? [];
    const file = args.at(-1) ?? '';
    const id = identify(pid);
    if (id && path.basename(args[0] ?? '') === 'ffmpeg' && file.includes('reelbot-encoder-'))
      return { id, file };
  }
  return undefined;
}

/** Resolves once `done` holds, checking /proc-backed conditions every 20 ms; fails after 10 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const limit = performance.now() + 10_000; !done(); ) {
    if (performance.now() > limit) throw new Error(`still not: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The spare `workerPid` starts just after it reports a video done: waits for it to be up. */
async function spareStarted(workerPid: number): Promise<{ id: ProcessIdentity; file: string }> {
  await until(() => spareOf(workerPid) !== undefined, 'a spare ffmpeg started');
  return spareOf(workerPid)!;
}

describe('a warm render worker (one process and one Xvfb for many simulations)', () => {
  it('renders job after job, queued, in the same process on the same Xvfb, and simulates itself', async () => {
    const { worker, servers } = await withWorker(async ({ worker, servers }) => {
      await worker.warm();
      const pid = worker.pid;
      expect(pid).toBeGreaterThan(0);
      const stages: string[][] = [[], []];
      const [first, second] = (await Promise.all(
        [0, 1].map((i) =>
          renderSimulation(scene(1), path.join(dir, `warm-${i}.mp4`), {
            worker,
            onProgress: (p) => stages[i]!.push(p.stage),
          }),
        ),
      )) as [RenderResult, RenderResult];
      expect(first.frames).toBe(24);
      expect(second.frames).toBe(24);
      expect(first.bytes).toBeGreaterThan(1000);
      expect(second.bytes).toBe(first.bytes);
      // The physics ran in the worker: its progress came from there, before the frames.
      expect([...new Set(stages[0])]).toEqual(['simulate', 'render', 'encode']);
      expect(worker.pid).toBe(pid);
      expect(servers).toHaveLength(1);
      expect(gone(servers[0]!)).toBe(false);
    });
    expect(gone(servers[0]!)).toBe(true);
    await expect(
      worker.render({ scene: scene(1), outFile: path.join(dir, 'late.mp4') }),
    ).rejects.toMatchObject({
      code: 'RENDER_WORKER_CLOSED',
    });
  });

  it('draws the same frames with the physics streamed into them as from a trajectory simulated whole', async () => {
    // Thrown apart: the bodies leave the first second's shadow fit, so the map is refitted too.
    const thrown = parseScene({
      ...scene(2),
      objects: [
        {
          shape: 'sphere',
          size: [0.8, 0.8, 0.8],
          position: [0, 0.4, 0],
          velocity: [5, 2, 0],
          color: '#2f6fd6',
        },
        { shape: 'box', size: [0.6, 0.6, 0.6], position: [0, 2, 0], velocity: [-4, 0, 3], color: '#d8342c' },
        { shape: 'cylinder', size: [0.5, 1, 0.5], position: [1, 0.5, -1], color: '#3aa64c' },
      ],
    });
    const rgba = { encoder: { format: 'rgba' as const } };
    // Cold: simulated in this process while the worker starts, and sent in chunks as it goes.
    const whole = path.join(dir, 'whole.rgba');
    await renderSimulation(thrown, whole, { ...rgba, physics: 'inline' });
    const streamed = path.join(dir, 'streamed.rgba');
    await withWorker(async ({ worker }) => {
      const stages: string[] = [];
      await renderSimulation(thrown, streamed, { ...rgba, worker, onProgress: (p) => stages.push(p.stage) });
      // The worker's own physics thread reported before the first frame was drawn, and not after.
      expect(stages[0]).toBe('simulate');
      expect(stages.lastIndexOf('simulate')).toBeLessThan(stages.indexOf('render'));
    });
    const [a, b] = [await fs.promises.readFile(whole), await fs.promises.readFile(streamed)];
    expect(a.length).toBe(160 * 120 * 4 * 48);
    expect(a.equals(b)).toBe(true);
  });

  // Six videos and four worker starts: over the default 30 s on a busy machine (42 s at load 9).
  it('draws a video on the targets a video of its size kept, as a fresh worker draws it', {
    timeout: 120_000,
  }, async () => {
    // Once per pixel with smoothed edges (the 720p path), and supersampled (the default at this size).
    for (const quality of [{ supersample: 1 as const, smoothEdges: true }, {}]) {
      const rgba = { encoder: { format: 'rgba' as const }, quality };
      const later = parseScene({
        ...scene(1),
        objects: [{ shape: 'sphere', size: [1, 1, 1], position: [1, 2, 0], color: '#3aa64c' }],
        camera: { position: [-3, 2, 5], lookAt: [0, 0.5, 0] },
      });
      const fresh = path.join(dir, 'fresh.rgba');
      await renderSimulation(later, fresh, rgba);
      const after = path.join(dir, 'after.rgba');
      await withWorker(async ({ worker }) => {
        // Its frame, shadow map and ground are left in the kept targets for the next video.
        await renderSimulation(scene(1), path.join(dir, 'before.rgba'), { ...rgba, worker });
        await renderSimulation(later, after, { ...rgba, worker });
      });
      const [a, b] = [await fs.promises.readFile(fresh), await fs.promises.readFile(after)];
      expect(a.length).toBe(160 * 120 * 4 * 24);
      expect(a.equals(b)).toBe(true);
    }
  });

  it('tells a queued job how many are ahead, lets it leave the queue at once, and keeps the order', async () => {
    await withWorker(async ({ worker }) => {
      const events: string[] = [];
      const first = worker
        .render({ scene: scene(4), outFile: path.join(dir, 'first.mp4') })
        .then(() => events.push('first done'));
      const leaving = new AbortController();
      const queued: number[] = [];
      const second = worker.render(
        { scene: scene(1), outFile: path.join(dir, 'second.mp4') },
        { signal: leaving.signal, onQueued: (ahead) => queued.push(ahead) },
      );
      const third = worker.render(
        { scene: scene(1), outFile: path.join(dir, 'third.mp4') },
        {
          onQueued: (ahead) => queued.push(ahead),
          onProgress: () => {
            if (events.at(-1) !== 'third started') events.push('third started');
          },
        },
      );
      expect(queued).toEqual([1, 2]);
      leaving.abort();
      await expect(second).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });
      events.push('second left');
      await Promise.all([first, third]);
      // The second left while the first was still drawing; the third waited for the first.
      expect(events.indexOf('second left')).toBeLessThan(events.indexOf('first done'));
      expect(events.indexOf('first done')).toBeLessThan(events.indexOf('third started'));
    });
  });

  it('stays warm after a canceled job, which leaves no file behind', async () => {
    await withWorker(async ({ worker, servers }) => {
      await worker.warm();
      const pid = worker.pid;
      const controller = new AbortController();
      await expect(
        interruptedAtFrame3(worker, 'canceled', () => controller.abort(), controller.signal),
      ).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });

      const next = await renderSimulation(scene(1), path.join(dir, 'after-cancel.mp4'), { worker });
      expect(next.frames).toBe(24);
      expect(worker.pid).toBe(pid);
      expect(servers).toHaveLength(1);
    });
  });

  it("starts the next video's ffmpeg once a video is done; the video it encodes is the one a fresh ffmpeg encodes", async () => {
    let spareDir = '';
    let last: ProcessIdentity | undefined;
    await withWorker(async ({ worker }) => {
      const first = path.join(dir, 'spare-first.mp4');
      await renderSimulation(scene(1), first, { worker });
      const spare = await spareStarted(worker.pid!);
      spareDir = path.dirname(spare!.file);
      // It waits below the drawing in the scheduler, as every encoder does (see encoder.ts).
      expect(readProcessStat(spare.id.pid)?.nice).toBe(encoderNiceness);

      // Same size and settings: the spare encodes it, and its file becomes the job's output.
      const second = path.join(dir, 'spare-second.mp4');
      await renderSimulation(scene(1), second, { worker });
      expect(isRunning(spare!.id)).toBe(false);
      expect((await fs.promises.readFile(second)).equals(await fs.promises.readFile(first))).toBe(true);
      expect(await probe(second)).toMatchObject({ codec: 'h264', width: 160, height: 120, frameRate: 24 });
      const next = await spareStarted(worker.pid!);
      expect(next.id.pid).not.toBe(spare!.id.pid);

      // Another size: that spare is thrown away with its file, and one for this size takes its place.
      const wide = path.join(dir, 'spare-wide.mp4');
      await renderSimulation(parseScene({ ...scene(1), resolution: { width: 320, height: 180 } }), wide, {
        worker,
      });
      expect(isRunning(next.id)).toBe(false);
      expect(await probe(wide)).toMatchObject({ width: 320, height: 180 });
      const wideSpare = await spareStarted(worker.pid!);
      expect(fs.readdirSync(spareDir)).toEqual([]);

      // A canceled job kills the spare it took, and deletes its file.
      const controller = new AbortController();
      await expect(
        interruptedAtFrame3(worker, 'spare-canceled', () => controller.abort(), controller.signal),
      ).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });
      await until(() => !isRunning(wideSpare.id), "the canceled job's ffmpeg gone");
      expect(fs.readdirSync(spareDir)).toEqual([]);
      expect(spareOf(worker.pid!)).toBeUndefined();

      await renderSimulation(scene(1), path.join(dir, 'spare-after-cancel.mp4'), { worker });

      // A spare that died while it waited (the OOM killer, an operator) gives way to a fresh ffmpeg.
      const doomed = (await spareStarted(worker.pid!)).id;
      process.kill(doomed.pid, 'SIGKILL');
      await until(() => !isRunning(doomed), 'the killed spare gone');
      const afterKill = path.join(dir, 'spare-after-kill.mp4');
      await renderSimulation(scene(1), afterKill, { worker });
      expect((await fs.promises.readFile(afterKill)).equals(await fs.promises.readFile(first))).toBe(true);
      last = (await spareStarted(worker.pid!)).id;
    });
    // Closing the worker (SIGTERM) ends its spare and removes the folder.
    await until(() => !isRunning(last!), 'the spare gone with its worker');
    expect(fs.existsSync(spareDir)).toBe(false);
  });

  it('leaves no spare ffmpeg nor file behind a worker killed with SIGKILL', async () => {
    await withWorker(async ({ worker }) => {
      await renderSimulation(scene(1), path.join(dir, 'before-kill.mp4'), { worker });
      const spare = await spareStarted(worker.pid!);
      process.kill(worker.pid!, 'SIGKILL');
      // Its input ends with the worker, so ffmpeg stops; the parent removes the folder it wrote in.
      await until(() => !isRunning(spare.id), 'the spare of a killed worker gone');
      await until(() => !fs.existsSync(path.dirname(spare.file)), "the spare's folder removed");
    });
  });

  it('fails the job of a worker that dies, and starts a fresh worker and Xvfb for the next job', async () => {
    await withWorker(async ({ worker, servers }) => {
      await worker.warm();
      const pid = worker.pid!;
      await expect(
        interruptedAtFrame3(worker, 'crashed', () => process.kill(pid, 'SIGKILL')),
      ).rejects.toMatchObject({
        code: 'RENDER_WORKER_CRASHED',
        message: expect.stringContaining('SIGKILL'),
      });

      const next = await renderSimulation(scene(1), path.join(dir, 'after-crash.mp4'), { worker });
      expect(next.frames).toBe(24);
      expect(worker.pid).not.toBe(pid);
      expect(servers).toHaveLength(2);
      expect(gone(servers[0]!)).toBe(true);
    });
  });

  it('cancels the job running when it closes, and stops its Xvfb', async () => {
    const { servers } = await withWorker(async ({ worker, servers }) => {
      await expect(interruptedAtFrame3(worker, 'closing', () => void worker.close())).rejects.toMatchObject({
        code: 'SIMULATION_CANCELED',
      });
      expect(servers).toHaveLength(1);
    });
    expect(gone(servers[0]!)).toBe(true);
  });

  // Twenty renders: on a loaded 2-core machine they take longer than the default 30 s.
  it('does not grow from video to video', { timeout: 120_000 }, async () => {
    const wide = parseScene({ ...scene(1), resolution: { width: 640, height: 360 } });
    await withWorker(async ({ worker }) => {
      // The first videos settle the heap and the driver's caches.
      for (let i = 0; i < 4; i++) await renderSimulation(wide, path.join(dir, 'settle.mp4'), { worker });
      const resident: number[] = [];
      for (let i = 0; i < 24; i++) {
        await renderSimulation(wide, path.join(dir, 'steady.mp4'), { worker });
        resident.push(residentMb(worker.pid!));
      }
      // Resident memory saws: a few MB more each video until a collection gives them back, every
      // five or so videos. Video-to-video steps of such a saw are mostly rises, so their median
      // read growth where there was none; a leak instead lifts the troughs. A GL context per
      // video kept about 4 MB of every one.
      const trough = (videos: number[]) => Math.min(...videos);
      const perVideo = (trough(resident.slice(12)) - trough(resident.slice(0, 12))) / 12;
      expect(perVideo, resident.map((mb) => mb.toFixed(1)).join(' ')).toBeLessThan(1);
    });
  });
});

/** The worker's state changes as they come, and a wait for the next one (no sleeps). */
function stateLog() {
  const seen: RenderWorkerState[] = [];
  const waiters: (() => void)[] = [];
  return {
    seen,
    onState(event: RenderWorkerState) {
      seen.push(event);
      for (const wake of waiters.splice(0)) wake();
    },
    /** The first event of `type` from index `after` on; fails after 20 s without one. */
    next(type: RenderWorkerState['type'], after: number): Promise<RenderWorkerState> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} in ${JSON.stringify(seen)}`)), 20_000);
        const check = () => {
          const found = seen.slice(after).find((event) => event.type === type);
          if (!found) return void waiters.push(check);
          clearTimeout(timer);
          resolve(found);
        };
        check();
      });
    },
  };
}

describe('a lazy render worker (started by the first job, stopped when idle)', () => {
  it('starts with the first job, stops with its Xvfb after the idle time, and starts again for the next', async () => {
    const log = stateLog();
    const { servers } = await withWorker(
      async ({ worker, servers }) => {
        expect(worker.pid).toBeUndefined();
        expect(servers).toHaveLength(0);

        const first = await renderSimulation(scene(1), path.join(dir, 'lazy-1.mp4'), { worker });
        expect(first.frames).toBe(24);
        const started = await log.next('started', 0);
        const firstPid = started.type === 'started' ? started.pid : 0;
        const firstWorker = identify(firstPid)!;
        const spare = await spareStarted(firstPid);
        expect(spare).toBeDefined();
        expect(servers).toHaveLength(1);

        const stopped = await log.next('idle-stopped', 1);
        expect(stopped).toEqual({ type: 'idle-stopped', idleMs: 300 });
        // Both processes are gone, not merely forgotten.
        expect(isRunning(firstWorker)).toBe(false);
        // Its spare ffmpeg with it (killed by the worker on the way out), and the spare's folder.
        await until(() => !isRunning(spare.id), 'the spare gone with the idle worker');
        expect(fs.existsSync(path.dirname(spare.file))).toBe(false);
        expect(gone(servers[0]!)).toBe(true);
        expect(worker.pid).toBeUndefined();

        const second = await renderSimulation(scene(1), path.join(dir, 'lazy-2.mp4'), { worker });
        expect(second.bytes).toBe(first.bytes);
        const again = await log.next('started', 2);
        expect(again.type === 'started' && again.pid).not.toBe(firstPid);
        expect(servers).toHaveLength(2);
        expect(gone(servers[1]!)).toBe(false);
      },
      { idleMs: 300, onState: log.onState },
    );
    expect(gone(servers[1]!)).toBe(true);
    expect(log.seen.map((event) => event.type)).toEqual(['started', 'idle-stopped', 'started']);
  });
});
