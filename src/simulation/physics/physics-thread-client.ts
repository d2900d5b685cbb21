import type { Worker } from 'node:worker_threads';
import { SimulationError } from '../../core/errors.js';
import { canceled } from '../canceled.js';
import type { Scene } from '../scene/schema.js';
import { startPhysicsThread } from './start-thread.js';
import { createFrameWaiters, posesIn, type TrajectoryStream } from './stream.js';
import { readyIndex, type StreamReply, type StreamRequest, stopIndex } from './stream-thread.js';
import { floatsPerBody, frameCount } from './trajectory.js';

/** A physics thread kept up from job to job, which streams each job's frames as they are simulated. */
export interface PhysicsThread {
  /**
   * Starts simulating `scene` at once and hands back its frames as they come. `signal`, or the
   * stream's `stop`, ends the physics at its next frame.
   */
  simulate(scene: Scene, signal?: AbortSignal): TrajectoryStream & { stop(): void };
  /** Ends the thread; a job still running fails as canceled. */
  close(): Promise<void>;
}

/**
 * The render worker's physics thread (stream-thread.ts), started with the first job. Frames are
 * written into a SharedArrayBuffer, so the renderer reads them without a copy or a message, and
 * only waits (on the shared frame counter) when it has caught up with the physics. The thread is
 * unref'd: it never keeps the worker process alive, and dies with it.
 */
export function createPhysicsThread(): PhysicsThread {
  let thread: Worker | undefined;
  let nextId = 1;
  const jobs = new Map<number, (reply: StreamReply | { type: 'gone'; error: SimulationError }) => void>();

  function ensure(): Worker {
    if (thread) return thread;
    const started = startPhysicsThread('stream-thread', undefined);
    started.unref();
    const gone = (error: SimulationError) => {
      if (thread === started) thread = undefined;
      for (const job of [...jobs.values()]) job({ type: 'gone', error });
    };
    started.on('message', (reply: StreamReply) => jobs.get(reply.id)?.(reply));
    started.on('error', (error) =>
      gone(
        new SimulationError('SIMULATION_PHYSICS_FAILED', `The physics thread failed: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    started.on('exit', (code) =>
      gone(new SimulationError('SIMULATION_PHYSICS_FAILED', `The physics thread exited with ${code}`)),
    );
    thread = started;
    return started;
  }

  return {
    simulate(scene, signal) {
      const frames = frameCount(scene);
      const bodies = scene.objects.length;
      const data = new SharedArrayBuffer(frames * bodies * floatsPerBody * 4);
      const control = new Int32Array(new SharedArrayBuffer(8));
      const floats = new Float32Array(data);
      const ready = () => Atomics.load(control, readyIndex);
      const waiters = createFrameWaiters(frames, ready);
      const id = nextId++;
      const finish = () => {
        jobs.delete(id);
        signal?.removeEventListener('abort', stop);
        // Releases a watch still armed on a job that ends short of its last frame.
        Atomics.notify(control, readyIndex);
      };
      /**
       * While anyone waits, one Atomics.waitAsync on the frame counter wakes them when the thread
       * moves it (see stream-thread.ts): the renderer sleeps only when it has caught up.
       */
      let watching = false;
      const watch = (): void => {
        while (!watching && waiters.waiting() && jobs.has(id)) {
          const wait = Atomics.waitAsync(control, readyIndex, ready());
          if (!wait.async) {
            waiters.arrived();
            continue;
          }
          watching = true;
          void wait.value.then(() => {
            watching = false;
            waiters.arrived();
            watch();
          });
        }
      };
      function stop(): void {
        if (!jobs.has(id)) return;
        Atomics.store(control, stopIndex, 1);
        finish();
        waiters.fail(canceled());
      }
      jobs.set(id, (reply) => {
        finish();
        if (reply.type === 'done') return waiters.arrived();
        waiters.fail(
          reply.type === 'gone'
            ? reply.error
            : reply.code === 'SIMULATION_CANCELED'
              ? canceled()
              : new SimulationError('SIMULATION_PHYSICS_FAILED', `The physics failed: ${reply.message}`),
        );
      });
      if (signal?.aborted) stop();
      else {
        signal?.addEventListener('abort', stop, { once: true });
        const request: StreamRequest = { id, scene, data, control: control.buffer as SharedArrayBuffer };
        ensure().postMessage(request);
      }
      return {
        frames,
        bodies,
        ready,
        waitFor(count, onFrames) {
          const waited = waiters.waitFor(count, onFrames);
          watch();
          return waited;
        },
        frame: (index) => posesIn(floats, bodies, index),
        stop,
      };
    },
    async close() {
      const running = thread;
      thread = undefined;
      await running?.terminate();
    },
  };
}
