import type { Trajectory } from './physics/trajectory.js';
import type { SimulationJob, SimulationProgress, SimulationResult } from './pipeline.js';

/**
 * What the parent sends to the render worker over IPC. Jobs carry an id, since one worker renders
 * job after job. `physics: 'sent'` means the parent simulates meanwhile and sends the trajectory
 * (a cold start, where the physics overlaps Xvfb and the worker starting); `'here'` means the
 * worker simulates itself, in its physics thread with Rapier already loaded, streaming the frames
 * into the drawing (see physics/physics-thread-client.ts).
 */
export type WorkerRequest =
  | { type: 'run'; id: number; job: SimulationJob; physics: 'sent' | 'here' }
  | { type: 'trajectory'; id: number; trajectory: Trajectory }
  | { type: 'cancel'; id: number };

/** What the render worker answers, for the job with the same id. */
export type WorkerReply =
  | { type: 'progress'; id: number; progress: SimulationProgress }
  | { type: 'done'; id: number; result: SimulationResult }
  | { type: 'failed'; id: number; error: { code: string; message: string; userMessage?: string } };
