/**
 * The RGBA buffers frames are read back into, kept from video to video by a warm render worker.
 * A new set per video (about 2.8 MB at 640x360) was garbage the worker held until a full GC, so
 * its resident memory climbed job after job and fell back only now and then.
 */
export interface FrameBuffers {
  /** `count` buffers of `bytes` each: kept ones when the size matches, new ones otherwise. */
  take(bytes: number, count: number): Uint8Array[];
  /** Buffers no longer read or written, for the next video. */
  give(buffers: Uint8Array[]): void;
}

/** Keeps the buffers of one frame size: a video of another size replaces them. */
export function createFrameBuffers(): FrameBuffers {
  let kept: Uint8Array[] = [];
  return {
    take(bytes, count) {
      const matching = kept.filter((buffer) => buffer.byteLength === bytes);
      kept = [];
      const taken = matching.slice(0, count);
      while (taken.length < count) taken.push(new Uint8Array(bytes));
      return taken;
    },
    give(buffers) {
      kept.push(...buffers);
    },
  };
}
