import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { codeOf, userMessageOf } from '../errors.js';
import type { Generation, Requester, StoredMedia } from '../generations/types.js';
import { makePoster } from '../media/ffmpeg.js';
import { createLocalMediaStorage, type MediaStorage } from '../media/storage.js';
import type { GenerationStore } from '../store/index.js';
import type { SimulationProgress } from './pipeline.js';
import { type RenderOptions, type RenderResult, renderSimulation } from './render-process.js';
import type { Scene } from './scene/schema.js';

/** What to simulate and for whom. */
export interface SimulationRequest {
  scene: Scene;
  requester: Requester;
  /** The sentence the scene came from, when there was one. */
  prompt?: string;
}

/** Where a simulation is recorded, and how it is rendered. */
export interface RecordDependencies {
  store: GenerationStore;
  /** DATA_DIR; media goes to `media/<generationId>.mp4` and `.jpg` under it. */
  dataDir: string;
  storage?: MediaStorage;
  /** The renderer; {@link renderSimulation} by default. */
  render?: (scene: Scene, outFile: string, options: RenderOptions) => Promise<RenderResult>;
  /** Passed to the renderer: `display` (config.display), quality, encoder settings. */
  renderOptions?: Omit<RenderOptions, 'onProgress' | 'signal'>;
  clock?: () => number;
  /** Called once the generation row exists, before any rendering: print or post its id. */
  onCreated?: (generation: Generation) => void;
  onProgress?: (progress: SimulationProgress) => void;
  signal?: AbortSignal;
}

/** Rough share of the work each stage stands for, for one progress percentage. */
function percentOf({ stage, frame, totalFrames }: SimulationProgress): number {
  const share = totalFrames > 0 ? frame / totalFrames : 1;
  if (stage === 'simulate') return Math.round(share * 10);
  if (stage === 'render') return 10 + Math.round(share * 85);
  return 95;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Records a simulation as a generation (source `simulation`, model `physics`, input = the scene),
 * renders it, keeps the MP4 and a poster JPEG in media storage and marks the generation succeeded,
 * or failed (canceled) with the reason. The gallery and the bots see it like any other generation.
 * @returns the finished generation and the render's numbers.
 * @throws the render's error, after the generation has been marked failed.
 */
export async function recordSimulation(
  request: SimulationRequest,
  deps: RecordDependencies,
): Promise<{ generation: Generation; render: RenderResult }> {
  const clock = deps.clock ?? Date.now;
  const storage = deps.storage ?? createLocalMediaStorage(deps.dataDir);
  const { store } = deps;
  const created = store.insert({
    source: 'simulation',
    requester: request.requester,
    model: 'physics',
    prompt: request.prompt,
    input: request.scene as unknown as Record<string, unknown>,
    seed: request.scene.seed,
    status: 'processing',
  });
  const { id } = created;
  store.update(id, { startedAt: clock(), progress: 0 });
  deps.onCreated?.(store.get(id)!);

  await fs.promises.mkdir(storage.tempDir, { recursive: true });
  const video = path.join(storage.tempDir, `${id}.mp4`);
  const poster = path.join(storage.tempDir, `${id}.jpg`);
  let lastPercent = 0;
  try {
    const render = await (deps.render ?? renderSimulation)(request.scene, video, {
      ...deps.renderOptions,
      signal: deps.signal,
      onProgress: (progress) => {
        const percent = percentOf(progress);
        // One write per 5 %, not one per frame: the gallery polls, nobody needs every frame.
        if (percent >= lastPercent + 5) {
          lastPercent = percent;
          store.update(id, { progress: percent });
        }
        deps.onProgress?.(progress);
      },
    });
    await makePoster(video, poster, {
      durationSeconds: render.durationSeconds,
      ffmpegPath: deps.renderOptions?.ffmpegPath,
    });
    const media: StoredMedia = {
      path: `media/${id}.mp4`,
      sha256: await sha256Of(video),
      bytes: (await fs.promises.stat(video)).size,
      mime: 'video/mp4',
      width: render.width,
      height: render.height,
      durationSeconds: render.durationSeconds,
      posterPath: `media/${id}.jpg`,
    };
    await storage.commit(poster, media.posterPath!);
    await storage.commit(video, media.path);
    store.update(id, { status: 'succeeded', media, progress: 100, completedAt: clock() });
    return { generation: store.get(id)!, render };
  } catch (error) {
    const code = codeOf(error);
    store.update(id, {
      status: code === 'SIMULATION_CANCELED' ? 'canceled' : 'failed',
      error: userMessageOf(error),
      errorCode: code,
      lastLog: error instanceof Error ? error.message.slice(0, 2000) : undefined,
      completedAt: clock(),
    });
    throw error;
  } finally {
    await fs.promises.rm(video, { force: true });
    await fs.promises.rm(poster, { force: true });
  }
}
