import { describe, expect, it } from 'vitest';
import { createFrameBuffers } from '../../../src/simulation/frame-buffers.js';

describe('frame buffers kept from video to video', () => {
  it('hands the same buffers to the next video of the same size', () => {
    const buffers = createFrameBuffers();
    const first = buffers.take(640 * 360 * 4, 3);
    expect(first).toHaveLength(3);
    buffers.give(first);
    const second = buffers.take(640 * 360 * 4, 3);
    expect(second.every((buffer) => first.includes(buffer))).toBe(true);
  });

  it('makes up what a failed video kept, and drops buffers of another size', () => {
    const buffers = createFrameBuffers();
    const wide = buffers.take(640 * 360 * 4, 3);
    // One was still in ffmpeg's pipe when the video failed.
    buffers.give(wide.slice(0, 2));
    const again = buffers.take(640 * 360 * 4, 3);
    expect(again.filter((buffer) => wide.includes(buffer))).toHaveLength(2);
    buffers.give(again);
    const small = buffers.take(160 * 120 * 4, 3);
    expect(small.some((buffer) => again.includes(buffer))).toBe(false);
    expect(small.every((buffer) => buffer.byteLength === 160 * 120 * 4)).toBe(true);
  });
});
