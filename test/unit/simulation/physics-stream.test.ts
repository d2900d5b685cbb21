import { afterAll, describe, expect, it } from 'vitest';
import { interpretBuiltin } from '../../../src/simulation/interpreter/builtin/index.js';
import { floatsPerBody, simulate } from '../../../src/simulation/physics/simulate.js';
import { createPhysicsThread } from '../../../src/simulation/physics/physics-thread-client.js';

const thread = createPhysicsThread();
afterAll(() => thread.close());

const scene = { ...interpretBuiltin('a tower of 20 red boxes knocked over by a ball'), duration: 4 };

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
    const bytes = (floats: Float32Array) => Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
    const size = whole.bodies * floatsPerBody;
    for (let frame = 0; frame < whole.frames; frame++)
      expect(
        bytes(stream.frame(frame)).equals(bytes(whole.data.subarray(frame * size, (frame + 1) * size))),
      ).toBe(true);
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
