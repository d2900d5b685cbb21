/**
 * Physics videos: a sentence (or a scene file) becomes a scene, Rapier simulates it, headless-gl
 * renders it and ffmpeg encodes it. Offline by default; OpenAI helps interpret when configured.
 *
 * A product beside core, not inside it: it implements core's `Simulator` port and imports core's
 * base floors (errors, config, media), never the bots, web or the generation service's internals.
 * Two processes: in reelbot's, `simulator.ts` (the port), `render-on-worker.ts` (one video) and
 * `render-worker-handle.ts` (starts, keeps warm and stops the worker and its Xvfb); in the render
 * worker's own process, `render-worker-main.ts` runs `pipeline.ts` (renderer, encoder), fed by
 * `physics/physics-thread-client.ts`, the client of its physics thread (`physics/stream-thread.ts`),
 * whose frames arrive while the first ones are drawn.
 * `render-worker-protocol.ts` is what the two say to each other.
 */

export { interpretBuiltin } from './interpreter/builtin/index.js';
export { type Interpretation, interpretPrompt } from './interpreter/index.js';
export type { OpenAIInterpreterOptions } from './interpreter/openai.js';
export type { SimulationProgress, SimulationResult, SimulationTimings } from './pipeline.js';
export { type RenderOptions, type RenderResult, renderSimulation } from './render-on-worker.js';
export { type RenderWorker, startRenderWorker } from './render-worker-handle.js';
export type { RenderQuality } from './renderer/index.js';
export { editableScene } from './scene/editable.js';
export { type Scene, type SceneInput, sceneLimits } from './scene/schema.js';
export { parseScene, SceneInvalidError, sceneProblems } from './scene/validate.js';
export { sceneOfSentence } from './sentence-scene.js';
export { createSimulator, type SimulatorOptions } from './simulator.js';
