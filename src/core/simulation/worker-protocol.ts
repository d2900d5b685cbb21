import type { Trajectory } from './physics/trajectory.js';
import type { SimulationJob, SimulationProgress, SimulationResult } from './pipeline.js';

/**
 * What the parent sends to the render worker over IPC: the job at once, the trajectory once the
 * physics thread has it (the worker sets up GL and ffmpeg meanwhile), or a cancellation.
 */
export type WorkerRequest =
  | { type: 'run'; job: SimulationJob }
  | { type: 'trajectory'; trajectory: Trajectory }
  | { type: 'cancel' };

/** What the render worker answers. */
export type WorkerReply =
  | { type: 'progress'; progress: SimulationProgress }
  | { type: 'done'; result: SimulationResult }
  | { type: 'failed'; error: { code: string; message: string; userMessage?: string } };
