import type { Program } from './program.js';

/**
 * Binds vertex attributes for one draw call and unbinds them after, so the next program starts
 * clean: instanced attributes (divisor 1) left enabled would break the next draw.
 */
export function createAttributeBinder(gl: WebGLRenderingContext, instancing: ANGLE_instanced_arrays) {
  const enabled: number[] = [];
  return {
    /** Float attribute `name` of `program` from `buffer`; skipped when the program does not use it. */
    bind(
      program: Program,
      name: string,
      buffer: WebGLBuffer,
      size: number,
      stride: number,
      offset: number,
      divisor = 0,
    ): void {
      const location = program.attribute(name);
      if (location < 0) return;
      gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
      gl.enableVertexAttribArray(location);
      gl.vertexAttribPointer(location, size, gl.FLOAT, false, stride, offset);
      instancing.vertexAttribDivisorANGLE(location, divisor);
      enabled.push(location);
    },
    release(): void {
      for (const location of enabled.splice(0)) {
        instancing.vertexAttribDivisorANGLE(location, 0);
        gl.disableVertexAttribArray(location);
      }
    },
  };
}

export type AttributeBinder = ReturnType<typeof createAttributeBinder>;
