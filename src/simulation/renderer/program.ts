import { SimulationError } from '../../core/errors.js';

/** A linked program with its attribute and uniform locations looked up by name. */
export interface Program {
  program: WebGLProgram;
  attribute(name: string): number;
  uniform(name: string): WebGLUniformLocation | null;
}

function compile(gl: WebGLRenderingContext, type: number, source: string, label: string): WebGLShader {
  const shader = gl.createShader(type)!;
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
    throw new SimulationError(
      'RENDER_SHADER',
      `The ${label} shader does not compile: ${gl.getShaderInfoLog(shader)}`,
    );
  return shader;
}

/**
 * Linked programs of each context, by their sources. llvmpipe compiles GLSL to machine code, which
 * costs tens of milliseconds a program: a warm worker links each variant once, not once a video.
 * The variants are few (defines for shadow taps and see-through shadows), so the cache is bounded.
 * Programs keep no per-video state worth fearing: every draw sets the uniforms it reads.
 */
const linked = new WeakMap<WebGLRenderingContext, Map<string, Program>>();

/**
 * The program of these sources, linked on first use in `gl` and reused afterwards; a GLSL error
 * names the program and carries the driver's log. Its GL objects outlive a video's loan of the
 * context (see context.ts), so callers never delete it.
 */
export function createProgram(
  gl: WebGLRenderingContext,
  vertex: string,
  fragment: string,
  label: string,
): Program {
  const programs = linked.get(gl) ?? new Map<string, Program>();
  linked.set(gl, programs);
  const key = `${vertex}\0${fragment}`;
  const known = programs.get(key);
  if (known) return known;
  const made = linkProgram(gl, vertex, fragment, label);
  programs.set(key, made);
  return made;
}

function linkProgram(gl: WebGLRenderingContext, vertex: string, fragment: string, label: string): Program {
  const program = gl.createProgram()!;
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, vertex, `${label} vertex`));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fragment, `${label} fragment`));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS))
    throw new SimulationError(
      'RENDER_SHADER',
      `The ${label} program does not link: ${gl.getProgramInfoLog(program)}`,
    );
  const attributes = new Map<string, number>();
  const uniforms = new Map<string, WebGLUniformLocation | null>();
  return {
    program,
    attribute(name) {
      if (!attributes.has(name)) attributes.set(name, gl.getAttribLocation(program, name));
      return attributes.get(name)!;
    },
    uniform(name) {
      if (!uniforms.has(name)) uniforms.set(name, gl.getUniformLocation(program, name));
      return uniforms.get(name)!;
    },
  };
}
