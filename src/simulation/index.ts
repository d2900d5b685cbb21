/**
 * Physics videos: a sentence (or a scene file) becomes a scene, Rapier simulates it, headless-gl
 * renders it and ffmpeg encodes it. Offline by default; OpenAI helps interpret when configured.
 */

export { interpretBuiltin } from './interpreter/builtin/index.js';
export { type Interpretation, interpretPrompt } from './interpreter/index.js';
export type { OpenAIInterpreterOptions } from './interpreter/openai.js';
export type { SimulationProgress, SimulationResult, SimulationTimings } from './pipeline.js';
export { type RenderOptions, type RenderResult, renderSimulation } from './render-process.js';
export { type RenderWorker, startRenderWorker } from './render-worker.js';
export type { RenderQuality } from './renderer/index.js';
export { type Scene, type SceneInput, sceneLimits } from './scene/schema.js';
export { parseScene, SceneInvalidError, sceneProblems } from './scene/validate.js';
export { createSimulator, type SimulatorOptions } from './simulator.js';
