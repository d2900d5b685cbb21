import type { SimulationJob, SimulationProgress, SimulationResult } from './pipeline.js';

/**
 * What the parent sends to the render worker over IPC. Jobs carry an id, since one worker renders
 * job after job. `physics: 'sent'` means the parent simulates meanwhile and sends the frames in
 * chunks as they are simulated, frames `from` up to `to` (a cold start, where the physics overlaps
 * Xvfb and the worker starting; see physics/frame-chunks.ts); `'here'` means the worker simulates
 * itself, in its physics thread with Rapier already loaded, streaming the frames into the drawing
 * (see physics/physics-thread-client.ts). Either way the drawing starts on the first second.
 */
export type WorkerRequest =
  | { type: 'run'; id: number; job: SimulationJob; physics: 'sent' | 'here' }
  | { type: 'frames'; id: number; from: number; to: number; data: Float32Array }
  | { type: 'cancel'; id: number };

/** What the render worker answers, for the job with the same id. */
export type WorkerReply =
  | { type: 'progress'; id: number; progress: SimulationProgress }
  | { type: 'done'; id: number; result: SimulationResult }
  | { type: 'failed'; id: number; error: { code: string; message: string; userMessage?: string } };
