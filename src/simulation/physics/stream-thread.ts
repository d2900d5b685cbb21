/**
 * Worker-thread entry of the render worker's physics (its client is physics-thread-client.ts). It
 * stays up from job to job with Rapier loaded, and writes every frame into memory shared with the
 * renderer the moment it is simulated, so that drawing starts with the first frames rather than after the last.
 */
import { parentPort } from 'node:worker_threads';
import { codeOf } from '../../core/errors.js';
import type { Scene } from '../scene/schema.js';
import { simulate } from './simulate.js';

/** One scene to simulate into `data`. `control` holds two Int32: frames written, and a stop flag. */
export interface StreamRequest {
  id: number;
  scene: Scene;
  data: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

/**
 * What the thread says about job `id`: all frames exist, or it failed (or was stopped). New frames
 * are announced by `Atomics.notify` on the counter, not by a message each.
 */
export type StreamReply =
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; code: string; message: string };

/** Index of the frames-written counter in `control`. */
export const readyIndex = 0;
/** Index of the stop flag in `control`: the renderer sets it, the physics reads it every frame. */
export const stopIndex = 1;

/** Thrown out of the simulation when the stop flag is set; never leaves this thread. */
class Stopped extends Error {}

const post = (reply: StreamReply) => parentPort!.postMessage(reply);

parentPort?.on('message', async ({ id, scene, data, control: shared }: StreamRequest) => {
  const control = new Int32Array(shared);
  try {
    await simulate(scene, {
      into: new Float32Array(data),
      onFrame: (frame) => {
        // The frame's floats are written before the counter moves: Atomics.store is a full fence.
        Atomics.store(control, readyIndex, frame);
        // Wakes the renderer's Atomics.waitAsync, if it is waiting: no message to build and read.
        Atomics.notify(control, readyIndex);
        // The loop is synchronous, so a message could not stop it: a flag in shared memory can.
        if (Atomics.load(control, stopIndex) !== 0) throw new Stopped('stopped');
      },
    });
    post({ type: 'done', id });
  } catch (error) {
    post({
      type: 'failed',
      id,
      code: error instanceof Stopped ? 'SIMULATION_CANCELED' : codeOf(error),
      message: error instanceof Error ? error.message : String(error),
    });
  }
});
