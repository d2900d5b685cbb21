import { afterAll, describe, expect, it } from 'vitest';
import { interpretBuiltin } from '../../../src/simulation/interpreter/builtin/index.js';
import { frameChunks, framesPerChunk } from '../../../src/simulation/physics/frame-chunks.js';
import { createPhysicsThread } from '../../../src/simulation/physics/physics-thread-client.js';
import { floatsPerBody, frameCount, simulate } from '../../../src/simulation/physics/simulate.js';
import { sentTrajectory, type TrajectoryStream } from '../../../src/simulation/physics/stream.js';
import type { Trajectory } from '../../../src/simulation/physics/trajectory.js';

const thread = createPhysicsThread();
afterAll(() => thread.close());

const scene = { ...interpretBuiltin('a tower of 20 red boxes knocked over by a ball'), duration: 4 };

const bytes = (floats: Float32Array) => Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);

/** Every frame of `stream` holds the same floats as `whole`'s, bit for bit. */
function expectSameFrames(stream: Pick<TrajectoryStream, 'frame'>, whole: Trajectory): void {
  const size = whole.bodies * floatsPerBody;
  for (let frame = 0; frame < whole.frames; frame++)
    expect(
      bytes(stream.frame(frame)).equals(bytes(whole.data.subarray(frame * size, (frame + 1) * size))),
    ).toBe(true);
}

describe('the render worker’s physics thread', () => {
  it('streams the same trajectory as simulating at once, bit for bit, frame by frame', async () => {
    const whole = await simulate(scene);
    const stream = thread.simulate(scene);
    expect([stream.frames, stream.bodies]).toEqual([whole.frames, whole.bodies]);
    const seen: number[] = [];
    await stream.waitFor(1);
    await stream.waitFor(stream.frames, (ready) => seen.push(ready));
    // More frames arrived while we waited, a few at a time: drawing could have started on them.
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0]).toBeLessThan(stream.frames);
    expect(stream.ready()).toBe(stream.frames);
    expectSameFrames(stream, whole);
  });

  it('stops at its next frame when told, and then serves the next job', async () => {
    const controller = new AbortController();
    const long = { ...scene, duration: 20 };
    const stream = thread.simulate(long, controller.signal);
    await stream.waitFor(3);
    controller.abort();
    await expect(stream.waitFor(stream.frames)).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });
    const stoppedAt = stream.ready();
    expect(stoppedAt).toBeLessThan(stream.frames);

    const next = thread.simulate({ ...scene, duration: 1 });
    await next.waitFor(next.frames);
    expect(next.ready()).toBe(next.frames);
    // The stopped job wrote nothing more once the next one ran.
    expect(stream.ready()).toBeLessThanOrEqual(stoppedAt + 1);
  });
});

describe('a trajectory sent in chunks (a cold start: simulated in reelbot’s process)', () => {
  it('arrives chunk by chunk as it is simulated, the same as simulating at once, bit for bit', async () => {
    const whole = await simulate(scene);
    const shape = { frames: frameCount(scene), bodies: scene.objects.length };
    const sent = sentTrajectory(shape);
    const chunks: [number, number][] = [];
    const readyAfterEach: number[] = [];
    const cut = frameChunks(shape, (from, to, data) => {
      chunks.push([from, to]);
      sent.receive(from, to, data);
      readyAfterEach.push(sent.ready());
    });
    await simulate(scene, { into: cut.into, onFrame: cut.onFrame });
    // The first second was there to draw on long before the last frame was simulated.
    expect(readyAfterEach.some((ready) => ready >= scene.fps && ready < shape.frames)).toBe(true);
    expect(readyAfterEach.at(-1)).toBe(shape.frames);
    const step = framesPerChunk(shape.bodies);
    expect(chunks[0]).toEqual([0, step]);
    expect(chunks.at(-1)![1]).toBe(shape.frames);
    expect(chunks.length).toBe(Math.ceil(shape.frames / step));
    expectSameFrames(sent, whole);
  });

  it('refuses a chunk that leaves a gap, and fails whoever waits when no more will come', async () => {
    const sent = sentTrajectory({ frames: 10, bodies: 2 });
    const size = 2 * floatsPerBody;
    expect(() => sent.receive(2, 4, new Float32Array(2 * size))).toThrow(RangeError);
    sent.receive(0, 3, new Float32Array(3 * size));
    expect(sent.ready()).toBe(3);
    expect(() => sent.frame(3)).toThrow(RangeError);
    const waiting = sent.waitFor(10);
    sent.fail(Object.assign(new Error('canceled'), { code: 'SIMULATION_CANCELED' }));
    await expect(waiting).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });
    await expect(sent.waitFor(5)).rejects.toMatchObject({ code: 'SIMULATION_CANCELED' });
    await expect(sent.waitFor(3)).resolves.toBeUndefined();
  });
});
