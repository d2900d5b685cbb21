import type { Scene } from '../scene/schema.js';
import { simulate } from './simulate.js';
import { floatsPerBody, frameCount } from './trajectory.js';

/** Hears frames `from` up to `to` (excluded) as they are simulated: a copy, which it may transfer. */
export type FrameChunkSender = (from: number, to: number, data: Float32Array) => void;

/**
 * Frames per chunk when a trajectory is sent to the render worker as it is simulated: as many as
 * fit in 64 KB, the size of a Linux pipe's buffer, so that a chunk goes out in one write while the
 * physics goes on (about 20 frames, two thirds of a second of video, for 100 bodies).
 */
export function framesPerChunk(bodies: number): number {
  return Math.max(1, Math.floor((64 * 1024) / (Math.max(1, bodies) * floatsPerBody * 4)));
}

/**
 * Cuts a trajectory being simulated into chunks of whole frames: `simulate` writes into `into`,
 * calls `onFrame` after each frame, and `send` hears each chunk (a copy, which it may transfer):
 * frames `from` up to `to`, excluded. The last chunk goes out with the last frame, however short.
 */
export function frameChunks(
  shape: { frames: number; bodies: number },
  send: FrameChunkSender,
): { into: Float32Array; onFrame(done: number): void } {
  const size = shape.bodies * floatsPerBody;
  const into = new Float32Array(shape.frames * size);
  const chunk = framesPerChunk(shape.bodies);
  let sent = 0;
  return {
    into,
    onFrame(done) {
      if (done - sent < chunk && done < shape.frames) return;
      send(sent, done, into.slice(sent * size, done * size));
      sent = done;
    },
  };
}

/**
 * Simulates `scene` and sends its frames to `send` in chunks as they are simulated (in a physics
 * thread, or inline for `reelbot simulate`), for the render worker to draw while the rest follows.
 * This module loads Rapier: reelbot's process imports it only when a cold start simulates.
 */
export async function simulateInChunks(
  scene: Scene,
  send: FrameChunkSender,
  options: { signal?: AbortSignal; onFrame?: (frame: number, totalFrames: number) => void } = {},
): Promise<void> {
  const chunks = frameChunks({ frames: frameCount(scene), bodies: scene.objects.length }, send);
  await simulate(scene, {
    signal: options.signal,
    into: chunks.into,
    onFrame: (frame, totalFrames) => {
      chunks.onFrame(frame);
      options.onFrame?.(frame, totalFrames);
    },
  });
}
