import { SimulationError } from '../../core/errors.js';
import type { Scene } from '../scene/schema.js';
import type { FrameChunkSender } from './frame-chunks.js';
import { startPhysicsThread } from './start-thread.js';
import type { PhysicsThreadMessage } from './thread.js';

/**
 * Runs the physics of `scene` in a worker thread: the caller's event loop stays free (a bot keeps
 * answering while a 20-second scene simulates), and the physics overlaps with whatever the caller
 * starts meanwhile, such as the render worker process. `onFrames` hears the frames in chunks as
 * they are simulated (frames `from` up to `to`, excluded); the promise resolves after the last.
 */
export function simulateInThread(
  scene: Scene,
  options: {
    onFrames?: FrameChunkSender;
    onFrame?: (frame: number, totalFrames: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  const thread = startPhysicsThread('thread', { scene });
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      void thread.terminate();
      reject(
        new SimulationError('SIMULATION_CANCELED', 'The simulation was canceled', {
          userMessage: 'The simulation was canceled.',
        }),
      );
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => options.signal?.removeEventListener('abort', onAbort);
    thread.on('message', (message: PhysicsThreadMessage) => {
      if (message.type === 'frames') {
        options.onFrames?.(message.from, message.to, message.data);
        options.onFrame?.(message.to, message.totalFrames);
      } else if (message.type === 'done') {
        settle();
        resolve();
      } else {
        settle();
        reject(new SimulationError('SIMULATION_PHYSICS_FAILED', `The physics failed: ${message.message}`));
      }
    });
    thread.on('error', (error) => {
      settle();
      reject(
        new SimulationError('SIMULATION_PHYSICS_FAILED', `The physics thread failed: ${error.message}`, {
          cause: error,
        }),
      );
    });
    thread.on('exit', (code) => {
      settle();
      // Without a message first, the thread died on its own (out of memory, a crash in Rapier).
      reject(new SimulationError('SIMULATION_PHYSICS_FAILED', `The physics thread exited with ${code}`));
    });
  }).finally(() => void thread.terminate());
}
