import { floatsPerBody, type Trajectory } from './trajectory.js';

/**
 * A trajectory whose frames arrive while it is simulated, first to last: frame i can be drawn as
 * soon as `ready() > i`, so drawing starts long before the physics of the whole video is done.
 */
export interface TrajectoryStream {
  readonly frames: number;
  readonly bodies: number;
  /** How many frames, from the first, exist now. */
  ready(): number;
  /**
   * Resolves once `count` frames (at most all of them) exist; rejects when the physics failed or
   * was stopped. `onFrames` hears how many exist each time more arrive meanwhile.
   */
  waitFor(count: number, onFrames?: (ready: number) => void): Promise<void>;
  /** The `floatsPerBody * bodies` floats of a frame that is ready, without copying. */
  frame(index: number): Float32Array;
}

/** The poses of `frame` within `data`, which holds `bodies` bodies per frame. */
export function posesIn(data: Float32Array, bodies: number, frame: number): Float32Array {
  const size = bodies * floatsPerBody;
  return data.subarray(frame * size, (frame + 1) * size);
}

/**
 * A stream whose frames all arrive at once, when `trajectory` does: the physics ran elsewhere (a
 * cold start simulates in reelbot's process while the render worker starts) or before.
 */
export function wholeTrajectory(
  shape: { frames: number; bodies: number },
  trajectory: Promise<Trajectory>,
): TrajectoryStream {
  let arrived: Trajectory | undefined;
  const whole = trajectory.then((t) => {
    arrived = t;
  });
  // Nobody may be waiting yet when it fails; whoever waits next hears of it.
  whole.catch(() => {});
  return {
    ...shape,
    ready: () => (arrived ? shape.frames : 0),
    waitFor: async (count, onFrames) => {
      if (arrived || count <= 0) return;
      await whole;
      onFrames?.(shape.frames);
    },
    frame(index) {
      if (!arrived || index >= shape.frames) throw new RangeError(`frame ${index} is not simulated yet`);
      return posesIn(arrived.data, shape.bodies, index);
    },
  };
}

/** A stream fed chunk by chunk from elsewhere (see {@link sentTrajectory}). */
export interface SentTrajectory extends TrajectoryStream {
  /** Frames `from` up to `to` (excluded), in order: the chunk after the last one received. */
  receive(from: number, to: number, data: Float32Array): void;
  /** No more frames will come: whoever waits for them, now or later, hears `error`. */
  fail(error: unknown): void;
}

/**
 * A stream whose frames are simulated in another process (reelbot's, on a cold start, while the
 * render worker starts) and arrive in chunks (see frame-chunks.ts): the drawing starts once the
 * first second is here, as with the worker's own physics thread, not once the last frame is.
 */
export function sentTrajectory(shape: { frames: number; bodies: number }): SentTrajectory {
  const size = shape.bodies * floatsPerBody;
  const data = new Float32Array(shape.frames * size);
  let received = 0;
  const waiters = createFrameWaiters(shape.frames, () => received);
  return {
    ...shape,
    ready: () => received,
    waitFor: (count, onFrames) => waiters.waitFor(count, onFrames),
    frame(index) {
      if (index >= received) throw new RangeError(`frame ${index} has not arrived yet`);
      return posesIn(data, shape.bodies, index);
    },
    receive(from, to, chunk) {
      // A chunk out of order would leave a gap that reads as bodies at the origin.
      if (from !== received || to > shape.frames || chunk.length !== (to - from) * size)
        throw new RangeError(`frames ${from} to ${to} do not follow frame ${received}`);
      data.set(chunk, from * size);
      received = to;
      waiters.arrived();
    },
    fail: (error) => waiters.fail(error),
  };
}

/**
 * The waiting side of a stream fed elsewhere: `arrived` when more frames exist, `fail` when no more
 * will. Waiters are woken in the order they asked.
 */
export function createFrameWaiters(frames: number, ready: () => number) {
  const waiting: {
    count: number;
    onFrames?: (ready: number) => void;
    resolve(): void;
    reject(e: unknown): void;
  }[] = [];
  let failure: { error: unknown } | undefined;
  return {
    /** Whether anyone waits for frames that do not exist yet. */
    waiting: () => waiting.length > 0,
    waitFor(count: number, onFrames?: (ready: number) => void): Promise<void> {
      const wanted = Math.min(count, frames);
      if (ready() >= wanted) return Promise.resolve();
      if (failure) return Promise.reject(failure.error);
      return new Promise((resolve, reject) => waiting.push({ count: wanted, onFrames, resolve, reject }));
    },
    arrived(): void {
      const now = ready();
      for (let i = 0; i < waiting.length; ) {
        const waiter = waiting[i]!;
        if (now >= waiter.count) {
          waiting.splice(i, 1);
          waiter.resolve();
        } else {
          waiter.onFrames?.(now);
          i++;
        }
      }
    },
    fail(error: unknown): void {
      failure ??= { error };
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    },
  };
}
