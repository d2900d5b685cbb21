import os from 'node:os';

/** Runs at most `slots` pieces of work at once; the rest wait their turn, first come first served. */
export interface WorkLimit {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * A limit for CPU-bound child processes (ffprobe, ffmpeg): two hundred posters at once on two
 * cores take longer than two at a time, and starve the event loop's own work meanwhile.
 */
export function createWorkLimit(slots: number = os.availableParallelism()): WorkLimit {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(work) {
      if (busy >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
      else busy++;
      try {
        return await work();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else busy--;
      }
    },
  };
}
