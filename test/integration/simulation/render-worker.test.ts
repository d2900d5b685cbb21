import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RenderResult, renderSimulation } from '../../../src/core/simulation/render-process.js';
import { type RenderWorker, startRenderWorker } from '../../../src/core/simulation/render-worker.js';
import type { XvfbSpawner } from '../../../src/core/simulation/renderer/xvfb.js';
import { parseScene } from '../../../src/core/simulation/scene/validate.js';

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
function workerWithServers(): { worker: RenderWorker; servers: ChildProcess[] } {
  const servers: ChildProcess[] = [];
  const xvfbSpawn: XvfbSpawner = (command, args, options) => {
    const child = spawn(command, args, options);
    servers.push(child);
    return child;
  };
  return { worker: startRenderWorker({ xvfb: { spawn: xvfbSpawn } }), servers };
}

const gone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Resident memory of a process, in MB. */
function residentMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

describe('a warm render worker (one process and one Xvfb for many simulations)', () => {
  it('renders job after job, queued, in the same process on the same Xvfb, and simulates itself', async () => {
    const { worker, servers } = workerWithServers();
    try {
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
    } finally {
      await worker.close();
    }
    expect(gone(servers[0]!)).toBe(true);
    await expect(
      worker.render({ scene: scene(1), outFile: path.join(dir, 'late.mp4') }),
    ).rejects.toMatchObject({
      code: 'RENDER_WORKER_CLOSED',
    });
  });

  it('tells a queued job how many are ahead, lets it leave the queue at once, and keeps the order', async () => {
    const { worker } = workerWithServers();
    try {
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
    } finally {
      await worker.close();
    }
  });

  it('stays warm after a canceled job, which leaves no file behind', async () => {
    const { worker, servers } = workerWithServers();
    try {
      await worker.warm();
      const pid = worker.pid;
      const controller = new AbortController();
      const out = path.join(dir, 'canceled.mp4');
      const failure = renderSimulation(scene(10), out, {
        worker,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'render' && p.frame === 3) controller.abort();
        },
      });
      await expect(failure).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });
      expect(fs.existsSync(out)).toBe(false);

      const next = await renderSimulation(scene(1), path.join(dir, 'after-cancel.mp4'), { worker });
      expect(next.frames).toBe(24);
      expect(worker.pid).toBe(pid);
      expect(servers).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });

  it('fails the job of a worker that dies, and starts a fresh worker and Xvfb for the next job', async () => {
    const { worker, servers } = workerWithServers();
    try {
      await worker.warm();
      const pid = worker.pid!;
      const out = path.join(dir, 'crashed.mp4');
      const failure = renderSimulation(scene(10), out, {
        worker,
        onProgress: (p) => {
          if (p.stage === 'render' && p.frame === 3) process.kill(pid, 'SIGKILL');
        },
      });
      await expect(failure).rejects.toMatchObject({
        code: 'RENDER_WORKER_CRASHED',
        message: expect.stringContaining('SIGKILL'),
      });
      expect(fs.existsSync(out)).toBe(false);

      const next = await renderSimulation(scene(1), path.join(dir, 'after-crash.mp4'), { worker });
      expect(next.frames).toBe(24);
      expect(worker.pid).not.toBe(pid);
      expect(servers).toHaveLength(2);
      expect(gone(servers[0]!)).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('does not grow from video to video', async () => {
    const { worker } = workerWithServers();
    const wide = parseScene({ ...scene(1), resolution: { width: 640, height: 360 } });
    try {
      // The first videos settle the heap and the driver's caches.
      for (let i = 0; i < 4; i++) await renderSimulation(wide, path.join(dir, 'settle.mp4'), { worker });
      const before = residentMb(worker.pid!);
      for (let i = 0; i < 16; i++) await renderSimulation(wide, path.join(dir, 'steady.mp4'), { worker });
      // A GL context per video kept about 4 MB of each one: 64 MB over these 16.
      expect(residentMb(worker.pid!) - before).toBeLessThan(16);
    } finally {
      await worker.close();
    }
  });
});
