import type { SimulationJob, SimulationProgress, SimulationResult } from './pipeline.js';

/** What the parent sends to the render worker over IPC. */
export type WorkerRequest = { type: 'run'; job: SimulationJob } | { type: 'cancel' };

/** What the render worker answers. */
export type WorkerReply =
  | { type: 'progress'; progress: SimulationProgress }
  | { type: 'done'; result: SimulationResult }
  | { type: 'failed'; error: { code: string; message: string; userMessage?: string } };
