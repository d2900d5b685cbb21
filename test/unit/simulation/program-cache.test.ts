import { describe, expect, it } from 'vitest';
import { createProgram } from '../../../src/simulation/renderer/program.js';

/**
 * Just the WebGL calls program.ts makes, counting compiles and links: llvmpipe turns each into
 * machine code, tens of milliseconds a program, which a warm worker should pay once.
 */
function countingGl() {
  const calls = { compileShader: 0, linkProgram: 0 };
  let next = 0;
  const gl = {
    VERTEX_SHADER: 1,
    FRAGMENT_SHADER: 2,
    COMPILE_STATUS: 3,
    LINK_STATUS: 4,
    createShader: () => ({ shader: next++ }),
    shaderSource: () => undefined,
    compileShader: () => void calls.compileShader++,
    getShaderParameter: () => true,
    getShaderInfoLog: () => '',
    createProgram: () => ({ program: next++ }),
    attachShader: () => undefined,
    linkProgram: () => void calls.linkProgram++,
    getProgramParameter: () => true,
    getProgramInfoLog: () => '',
    getAttribLocation: () => 0,
    getUniformLocation: () => ({}),
  };
  return { gl: gl as unknown as WebGLRenderingContext, calls };
}

describe('shader programs', () => {
  it('are linked once per context and source, and reused by every later video', () => {
    const { gl, calls } = countingGl();
    const first = createProgram(gl, 'void main() {}', 'void main() { /* a */ }', 'body');
    const again = createProgram(gl, 'void main() {}', 'void main() { /* a */ }', 'body');
    expect(again).toBe(first);
    expect(calls).toEqual({ compileShader: 2, linkProgram: 1 });

    // Another variant (other defines) is its own program.
    const other = createProgram(gl, 'void main() {}', 'void main() { /* b */ }', 'body');
    expect(other).not.toBe(first);
    expect(calls.linkProgram).toBe(2);

    // A new context (the old one lost) links its own.
    const fresh = countingGl();
    expect(createProgram(fresh.gl, 'void main() {}', 'void main() { /* a */ }', 'body')).not.toBe(first);
    expect(fresh.calls.linkProgram).toBe(1);
  });
});
