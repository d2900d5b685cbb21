import type { Logger } from 'pino';
import type { Simulator } from '../core/generations/simulation-job.js';
import type { OpenAIInterpreterOptions } from './interpreter/openai.js';
import type { SimulationProgress } from './pipeline.js';
import { type RenderOptions, renderSimulation } from './render-on-worker.js';
import { editableScene } from './scene/editable.js';
import type { Scene } from './scene/schema.js';
import { parseScene } from './scene/validate.js';
import { sceneOfSentence } from './sentence-scene.js';
import { applyVideoChoices, renderQualityOf } from './video-choices.js';

/** How the generation service's simulations are interpreted and rendered. */
export interface SimulatorOptions {
  /** `config.openai`; without it the built-in interpreter reads the prompt. */
  openai?: OpenAIInterpreterOptions;
  /** `display` (config.display), physics placement, quality, encoder settings. */
  renderOptions?: Omit<RenderOptions, 'onProgress' | 'signal'>;
  logger?: Logger;
}

const stageNames: Record<SimulationProgress['stage'], string> = {
  simulate: 'Simulating',
  render: 'Rendering',
  encode: 'Finishing the MP4',
};

/** One percentage for the whole job: physics is quick, drawing is most of it, encoding trails it. */
export function percentOf({ stage, frame, totalFrames }: SimulationProgress): number {
  const share = totalFrames > 0 ? frame / totalFrames : 1;
  if (stage === 'simulate') return Math.round(share * 10);
  if (stage === 'render') return 10 + Math.round(share * 85);
  return 95;
}

/** A line a person reads, such as `Rendering frame 45/90`. */
export function progressNote({ stage, frame, totalFrames }: SimulationProgress): string {
  return stage === 'encode'
    ? `${stageNames[stage]}...`
    : `${stageNames[stage]} frame ${frame}/${totalFrames}`;
}

/** What a simulation waiting for the renderer shows, such as `Waiting for 2 other simulations to finish`. */
export function queuedNote(ahead: number): string {
  return `Waiting for ${ahead} other simulation${ahead === 1 ? '' : 's'} to finish`;
}

/**
 * The simulation behind the generation service's `simulate`: a given scene is validated and
 * rendered as it is; otherwise the prompt is interpreted (OpenAI when configured, falling back to
 * the built-in interpreter) with the generation's seed. The scene goes to `onScene` before
 * rendering, so the service keeps it and a re-render after a restart is the same video.
 */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  return {
    checkScene(scene) {
      parseScene(scene);
    },

    async render(request, outFile, { signal, onProgress, onScene }) {
      let scene: Scene;
      let reading: string | undefined;
      if (request.scene !== undefined) scene = applyVideoChoices(parseScene(request.scene), request.video);
      else {
        const interpretation = await sceneOfSentence(request.prompt, {
          seed: request.seed,
          openai: options.openai,
          video: request.video,
        });
        if (interpretation.fallbackReason)
          options.logger?.warn(
            { reason: interpretation.fallbackReason },
            'OpenAI could not interpret; built-in used',
          );
        scene = interpretation.scene;
        reading = interpretation.reading;
      }
      // Kept as people edit it (the Scene button sends this one): a changed material takes effect.
      onScene?.(editableScene(scene), reading);
      const quality = renderQualityOf(request.video?.quality);
      const { timings } = await renderSimulation(scene, outFile, {
        ...options.renderOptions,
        ...(quality ? { quality: { ...options.renderOptions?.quality, ...quality } } : {}),
        signal,
        onProgress: (progress) => onProgress?.(percentOf(progress), progressNote(progress)),
        onQueued: (ahead) => onProgress?.(0, queuedNote(ahead)),
      });
      // The render worker's CPU and ffmpeg's: what the video cost this machine.
      return { scene, cpuSeconds: (timings.cpuMs + (timings.encoderCpuMs ?? 0)) / 1000 };
    },
  };
}
