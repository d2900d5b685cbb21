import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromFile } from 'file-type';
import { codeOf, MediaError, userMessageOf } from '../errors.js';
import type { LifecycleContext } from './context.js';
import type { MediaKeeper } from './media-keeper.js';
import { isFinal } from './types.js';
import type { VideoChoices } from './video-choices.js';

/**
 * The seam to the physics simulation (`src/simulation`, built separately): what the service
 * needs to offer `simulate`. The simulation module provides an implementation (interpret the
 * prompt into a scene, simulate, render, encode); `reelbot start` passes it to
 * `createGenerationService({ simulator })`. Without one, the service has no `simulate` and the bots
 * say so.
 */
export interface Simulator {
  /**
   * Renders the prompt's scene (or `scene`, when the request brings one) into an MP4 at `outFile`,
   * as long, as shaped and as fine as `video` says; deterministic for a prompt and seed. `note` is
   * a progress line a person reads.
   * @returns the scene it rendered, and the local CPU seconds it took when measured.
   */
  render(
    request: { prompt: string; seed: number; scene?: unknown; video?: VideoChoices },
    outFile: string,
    options: {
      signal: AbortSignal;
      onProgress?: (percent: number, note?: string) => void;
      /**
       * Told the scene before rendering starts, so a restart mid-render renders the same one, and
       * how the sentence was read ("8 blue balls, a ramp, ..."), for the status message.
       */
      onScene?: (scene: unknown, reading?: string) => void;
    },
  ): Promise<{ scene?: unknown; cpuSeconds?: number }>;
  /**
   * Checks a scene a person brought (a scene file) before it is queued, so its mistakes are
   * answered at once. @throws an error whose user message names each bad path.
   */
  checkScene?(scene: unknown): void;
}

/** The model name simulations are recorded under. */
export const simulationModel = 'physics';

async function describeFile(file: string) {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  const type = await fileTypeFromFile(file);
  if (type?.ext !== 'mp4')
    throw new MediaError('MEDIA_NOT_MP4', `simulation wrote ${type?.mime ?? 'an unknown file'}, not an MP4`);
  return {
    bytes: (await fs.promises.stat(file)).size,
    sha256: hash.digest('hex'),
    ext: 'mp4',
    mime: type.mime,
  };
}

/**
 * The job body of a simulation: render, then keep the video like any other. After a restart a
 * simulation that was rendering simply renders again (the seed makes it the same video).
 */
export async function runSimulation(
  ctx: LifecycleContext,
  keeper: MediaKeeper,
  simulator: Simulator,
  generationId: string,
  signal: AbortSignal,
): Promise<void> {
  const generation = await ctx.store.get(generationId);
  if (!generation || isFinal(generation.status)) return;
  const log = ctx.logger.child({ generationId });
  if (generation.status !== 'processing') {
    if (
      !(await ctx.store.transition(generationId, ['queued', 'starting'], {
        status: 'processing',
        startedAt: ctx.clock(),
      }))
    )
      return;
    ctx.emit({ type: 'started', generation: (await ctx.store.get(generationId))! });
  }
  const tempPath = path.join(ctx.storage.tempDir, `${generationId}.simulation.mp4`);
  await fs.promises.mkdir(ctx.storage.tempDir, { recursive: true });
  let shown = -1;
  // The renderer reports synchronously; its writes (and the events after them) go one after
  // another in that order, and all are done before the result is kept or the failure recorded,
  // so no progress event can follow the final one.
  let writes = Promise.resolve();
  const inOrder = (write: () => Promise<void>) => {
    writes = writes.then(write).catch((error: unknown) => log.warn({ err: error }, 'progress not recorded'));
  };
  try {
    const rendered = await simulator.render(
      {
        prompt: generation.prompt ?? '',
        seed: generation.seed ?? 0,
        scene: generation.input.scene,
        video: generation.input.video as VideoChoices | undefined,
      },
      tempPath,
      {
        signal,
        onProgress: (percent, note) => {
          const whole = Math.floor(percent);
          if (whole === shown) return;
          shown = whole;
          inOrder(async () => {
            await ctx.store.transition(generationId, ['processing'], { progress: whole, lastLog: note });
            const current = await ctx.store.get(generationId);
            if (current?.status === 'processing')
              ctx.emit({ type: 'progress', generation: current, percent: whole, log: note });
          });
        },
        // The scene a prompt became is kept before rendering: the gallery shows what was simulated,
        // and a restart mid-render renders this scene instead of asking an LLM again. A scene given
        // (a file) is kept as rendered too, with the chosen length and shape in it: the Scene
        // button sends this one, and attached back without choices it must make the same video.
        onScene: (scene, reading) => {
          if (JSON.stringify(scene) !== JSON.stringify(generation.input.scene))
            inOrder(async () => {
              await ctx.store.update(generationId, {
                input: { ...generation.input, scene, ...(reading ? { reading } : {}) },
              });
            });
        },
      },
    );
    await writes;
    signal.throwIfAborted();
    if (rendered.cpuSeconds !== undefined)
      await ctx.store.recordSpend(generationId, { cpuSeconds: rendered.cpuSeconds });
    const file = await describeFile(tempPath);
    await keeper.keep(generationId, { tempPath, ...file }, { from: ['processing'], signal });
  } catch (error) {
    await fs.promises.rm(tempPath, { force: true });
    await writes;
    if (signal.aborted) return; // canceled, or shutdown: the next start renders it again
    const reason = userMessageOf(error);
    if (
      await ctx.store.transition(generationId, ['processing'], {
        status: 'failed',
        error: reason,
        errorCode: codeOf(error),
        completedAt: ctx.clock(),
      })
    ) {
      log.warn({ code: codeOf(error), err: error }, 'simulation failed');
      ctx.emit({ type: 'failed', generation: (await ctx.store.get(generationId))!, reason });
    }
  }
}
