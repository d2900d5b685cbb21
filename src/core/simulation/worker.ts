/**
 * The render worker: a child process that simulates, renders and encodes one job, then exits.
 * It exists because headless-gl connects to the X display named by DISPLAY once per process and
 * keeps that connection for good, so each render gets a fresh process started with the DISPLAY of
 * its own Xvfb (see render-process.ts). It also keeps a crash in native GL code away from the bot.
 */
import { ReelbotError } from '../errors.js';
import type { Trajectory } from './physics/trajectory.js';
import { runPipeline } from './pipeline.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const controller = new AbortController();
let receiveTrajectory: (trajectory: Trajectory) => void = () => {};
const trajectory = new Promise<Trajectory>((resolve, reject) => {
  receiveTrajectory = resolve;
  controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
});
// Nobody may await it (a cancel before the run starts); that is no unhandled rejection.
trajectory.catch(() => {});

function send(reply: WorkerReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(reply, undefined, {}, () => resolve());
  });
}

process.on('message', (message: WorkerRequest) => {
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  if (message.type === 'trajectory') {
    receiveTrajectory(message.trajectory);
    return;
  }
  runPipeline(message.job, {
    signal: controller.signal,
    trajectory,
    onProgress: (progress) => void send({ type: 'progress', progress }),
  }).then(
    async (result) => {
      await send({ type: 'done', result });
      process.exit(0);
    },
    async (error: unknown) => {
      await send({
        type: 'failed',
        error: {
          code: error instanceof ReelbotError ? error.code : 'SIMULATION_FAILED',
          message: error instanceof Error ? error.message : String(error),
          userMessage: error instanceof ReelbotError ? error.userMessage : undefined,
        },
      });
      process.exit(1);
    },
  );
});

// The parent going away (a crash, a kill -9) must not leave this worker drawing for nobody.
process.on('disconnect', () => {
  controller.abort();
  setTimeout(() => process.exit(1), 2000).unref();
});
