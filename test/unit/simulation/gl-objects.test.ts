import { describe, expect, it } from 'vitest';
import { trackObjects } from '../../../src/simulation/renderer/gl-objects.js';

/** Just the create and delete calls gl-objects.ts wraps, with the objects still alive. */
function fakeGl() {
  const alive = new Set<string>();
  let next = 0;
  const create = (kind: string) => () => {
    const name = `${kind} ${next++}`;
    alive.add(name);
    return name;
  };
  const remove = (name: string) => void alive.delete(name);
  const gl = {
    createBuffer: create('buffer'),
    createTexture: create('texture'),
    createFramebuffer: create('framebuffer'),
    createRenderbuffer: create('renderbuffer'),
    deleteBuffer: remove,
    deleteTexture: remove,
    deleteFramebuffer: remove,
    deleteRenderbuffer: remove,
  };
  return { gl: gl as unknown as WebGLRenderingContext, alive };
}

/** What a video's targets are made of. */
function makeTarget(gl: WebGLRenderingContext) {
  return { texture: gl.createTexture(), depth: gl.createRenderbuffer(), framebuffer: gl.createFramebuffer() };
}

describe('GL objects of a warm worker', () => {
  it('keeps targets for the next video of the same size, and deletes everything else after each video', () => {
    const { gl, alive } = fakeGl();
    const objects = trackObjects(gl);

    const first = objects.keep('frame targets', '1280x720', () => makeTarget(gl));
    const mesh = gl.createBuffer() as unknown as string;
    objects.deleteMade();
    expect(alive.has(mesh)).toBe(false);
    expect(alive.size).toBe(3);

    // The next video of that size is handed the same targets, and allocates none.
    const again = objects.keep('frame targets', '1280x720', () => makeTarget(gl));
    expect(again).toBe(first);
    expect(alive.size).toBe(3);
    objects.deleteMade();
    expect(alive.size).toBe(3);

    // Another size replaces them: a worker alternating sizes never holds more than one set a slot.
    const square = objects.keep('frame targets', '720x720', () => makeTarget(gl));
    expect(square).not.toBe(first);
    expect(alive.has(first.texture as unknown as string)).toBe(false);
    expect(alive.size).toBe(3);
    // Another slot is kept beside it.
    objects.keep('shadow map', '1024', () => makeTarget(gl));
    objects.deleteMade();
    expect(alive.size).toBe(6);
  });

  it('keeps nothing of targets that failed half made', () => {
    const { gl, alive } = fakeGl();
    const objects = trackObjects(gl);
    expect(() =>
      objects.keep('frame targets', '99999x99999', () => {
        gl.createTexture();
        throw new Error('too large');
      }),
    ).toThrow('too large');
    expect(alive.size).toBe(0);
    // The slot stays free: the next try makes its targets anew.
    let made = 0;
    objects.keep('frame targets', '99999x99999', () => ++made);
    expect(made).toBe(1);
  });
});
