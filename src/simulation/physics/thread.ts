/**
 * Worker-thread entry that runs the physics of one scene (see in-thread.ts): off the caller's
 * event loop, and at the same time as the render worker process starts. Frames go out in chunks
 * as they are simulated (see frame-chunks.ts), to be passed on to the render worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codeOf } from '../../core/errors.js';
import type { Scene } from '../scene/schema.js';
import { simulateInChunks } from './frame-chunks.js';
import { frameCount } from './trajectory.js';

/** Messages from the physics thread: frames `from` up to `to` (excluded), then the end. */
export type PhysicsThreadMessage =
  | { type: 'frames'; from: number; to: number; totalFrames: number; data: Float32Array }
  | { type: 'done' }
  | { type: 'failed'; code: string; message: string };

const post = (message: PhysicsThreadMessage, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);

const { scene } = workerData as { scene: Scene };
const totalFrames = frameCount(scene);
simulateInChunks(scene, (from, to, data) =>
  post({ type: 'frames', from, to, totalFrames, data }, [data.buffer as ArrayBuffer]),
).then(
  () => post({ type: 'done' }),
  (error: unknown) =>
    post({
      type: 'failed',
      code: codeOf(error),
      message: error instanceof Error ? error.message : String(error),
    }),
);
