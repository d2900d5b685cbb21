/**
 * Worker-thread entry that runs the physics of one scene (see in-thread.ts): off the caller's
 * event loop, and at the same time as the render worker process starts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codeOf } from '../../core/errors.js';
import type { Scene } from '../scene/schema.js';
import { simulate } from './simulate.js';

/** Messages from the physics thread. */
export type PhysicsThreadMessage =
  | { type: 'progress'; frame: number; totalFrames: number }
  | { type: 'done'; frames: number; bodies: number; data: Float32Array }
  | { type: 'failed'; code: string; message: string };

const post = (message: PhysicsThreadMessage, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);

simulate((workerData as { scene: Scene }).scene, {
  onFrame: (frame, totalFrames) => post({ type: 'progress', frame, totalFrames }),
}).then(
  ({ frames, bodies, data }) => post({ type: 'done', frames, bodies, data }, [data.buffer as ArrayBuffer]),
  (error: unknown) =>
    post({
      type: 'failed',
      code: codeOf(error),
      message: error instanceof Error ? error.message : String(error),
    }),
);
