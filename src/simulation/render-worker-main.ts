/**
 * The render worker: a child process that simulates, renders and encodes jobs one after another,
 * kept warm between them (see render-worker-handle.ts). It exists because headless-gl connects to the X
 * display named by DISPLAY once per process and keeps that connection for good, so the worker is
 * started with the DISPLAY of its own Xvfb. It also keeps a crash in native GL code away from the
 * bot.
 */
import fs from 'node:fs';
import os from 'node:os';
import { ReelbotError } from '../core/errors.js';
import { createFrameBuffers } from './frame-buffers.js';
import { createPhysicsThread } from './physics/physics-thread-client.js';
import { type SentTrajectory, sentTrajectory } from './physics/stream.js';
import { frameCount } from './physics/trajectory.js';
import { runPipeline } from './pipeline.js';
import type { WorkerReply, WorkerRequest } from './render-worker-protocol.js';
import { createSpareEncoder } from './spare-encoder.js';

interface RunningJob {
  controller: AbortController;
  /** The frames the parent sends, when it simulates (a cold start). */
  sent?: SentTrajectory;
}

const running = new Map<number, RunningJob>();
/** Kept from job to job, with Rapier loaded: it streams each job's frames to the renderer. */
const physicsThread = createPhysicsThread();
/** Kept from job to job too: a new set per video grew the worker until a full GC. */
const frameBuffers = createFrameBuffers();
/** ffmpeg started ahead of the next video, once a video is done, writing in the folder the parent made for it. */
const spareEncoder = createSpareEncoder(process.argv[2] ?? os.tmpdir());

function send(reply: WorkerReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(reply, undefined, {}, () => resolve());
  });
}

function run({ id, job, physics }: Extract<WorkerRequest, { type: 'run' }>): void {
  const controller = new AbortController();
  const sent =
    physics === 'sent'
      ? sentTrajectory({ frames: frameCount(job.scene), bodies: job.scene.objects.length })
      : undefined;
  controller.signal.addEventListener('abort', () => sent?.fail(controller.signal.reason), { once: true });
  // Started before the pipeline sets up GL and ffmpeg, so that the physics runs meanwhile.
  const trajectory = sent ?? physicsThread.simulate(job.scene, controller.signal);
  running.set(id, { controller, sent });
  runPipeline(job, {
    signal: controller.signal,
    trajectory,
    frameBuffers,
    startEncoder: spareEncoder.start,
    onProgress: (progress) => void send({ type: 'progress', id, progress }),
  })
    .then(
      (result) => {
        const replied = send({ type: 'done', id, result });
        // The next video most likely asks for the same: its ffmpeg starts now, while nothing else
        // runs. After the reply is on its way, since starting a process from this one takes 10-30 ms
        // (fork copies a large address space) that the person waiting for this video need not wait;
        // before any other message is read, so that a job sent after this reply finds the spare.
        spareEncoder.prepare({
          video: { width: result.width, height: result.height, fps: result.fps },
          settings: job.encoder,
          ffmpegPath: job.ffmpegPath,
        });
        return replied;
      },
      (error: unknown) =>
        send({
          type: 'failed',
          id,
          error: {
            code: error instanceof ReelbotError ? error.code : 'SIMULATION_FAILED',
            message: error instanceof Error ? error.message : String(error),
            userMessage: error instanceof ReelbotError ? error.userMessage : undefined,
          },
        }),
    )
    .finally(() => {
      running.delete(id);
      if (!process.connected && running.size === 0) process.exit(0);
    });
}

// Whichever way the worker ends, its spare ffmpeg and file go with it. A SIGTERM (an idle stop, reelbot
// closing) would otherwise end the worker without running exit handlers.
process.on('exit', () => {
  spareEncoder.discard();
  // reelbot removes the folder when this worker exits, unless reelbot itself was killed first.
  if (process.argv[2]) fs.rmSync(process.argv[2], { recursive: true, force: true });
});
process.on('SIGTERM', () => process.exit(143));

process.on('message', (message: WorkerRequest) => {
  if (message.type === 'run') run(message);
  else if (message.type === 'frames')
    running.get(message.id)?.sent?.receive(message.from, message.to, message.data);
  else running.get(message.id)?.controller.abort();
});

// The parent going away (a crash, a kill -9) must not leave this worker drawing for nobody.
// Jobs stop at their next frame; one stuck in native code gets two seconds.
process.on('disconnect', () => {
  for (const job of running.values()) job.controller.abort();
  if (running.size === 0) process.exit(0);
  setTimeout(() => process.exit(1), 2000);
});
