import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { codeOf, ReelbotError } from '../core/errors.js';
import type { Requester } from '../core/generations/types.js';
import {
  interpretPrompt,
  parseScene,
  recordSimulation,
  type Scene,
  SceneInvalidError,
  type SimulationProgress,
} from '../core/simulation/index.js';
import { createGenerationStore, openDatabase } from '../core/store/index.js';

const usage = `Usage: reelbot simulate "PROMPT" [--scene FILE.json] [--seed N] [--out FILE.mp4]

Makes a physics video from a sentence, offline (OpenAI helps when OPENAI_API_KEY is set), and
records it as a generation so the gallery and the bots show it.
  --scene FILE.json   simulate this scene instead of interpreting the prompt
  --seed N            the same prompt and seed give the same video (default 0)
  --out FILE.mp4      also copy the video here
Ctrl-C cancels.
`;

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What `simulate` needs; defaults are the real process. */
export interface SimulateOptions {
  argv: string[];
  stdout?: Output;
  stderr?: Output;
  /** Read by `loadConfig`; the process environment when absent. */
  env?: Record<string, string | undefined>;
  requester?: Requester;
}

const stageNames: Record<SimulationProgress['stage'], string> = {
  simulate: 'Simulating',
  render: 'Rendering',
  encode: 'Finishing the MP4',
};

/** One progress line, rewritten in place on a terminal, printed every quarter elsewhere. */
function createProgressPrinter(out: Output) {
  let lastKey = '';
  return {
    show({ stage, frame, totalFrames }: SimulationProgress) {
      const percent = Math.floor((frame / Math.max(1, totalFrames)) * 100);
      const line =
        stage === 'encode'
          ? `${stageNames[stage]}...`
          : `${stageNames[stage]} frame ${frame}/${totalFrames} (${percent} %)`;
      if (out.isTTY) {
        out.write(`\r\x1b[2K${line}`);
        return;
      }
      const key = `${stage}|${Math.floor(percent / 25)}`;
      if (key !== lastKey) out.write(`${line}\n`);
      lastKey = key;
    },
    end() {
      if (out.isTTY) out.write('\r\x1b[2K');
    },
  };
}

function readScene(file: string, seed: number | undefined): Scene {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    throw new ReelbotError('CLI_USAGE', `--scene ${file}: ${(error as Error).message}`);
  }
  const scene = parseScene(raw);
  return seed === undefined ? scene : { ...scene, seed };
}

/** Runs `reelbot simulate`; returns the exit code. */
export async function simulate(options: SimulateOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let prompt: string | undefined;
  let sceneFile: string | undefined;
  let seed: number | undefined;
  let out: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: options.argv,
      allowPositionals: true,
      options: {
        scene: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      stdout.write(usage);
      return 0;
    }
    prompt = positionals.join(' ').trim() || undefined;
    sceneFile = values.scene;
    out = values.out;
    if (!prompt && !sceneFile)
      throw new ReelbotError('CLI_USAGE', 'describe the scene in words, or give --scene FILE.json');
    if (values.seed !== undefined) {
      seed = Number(values.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)
        throw new ReelbotError(
          'CLI_USAGE',
          `--seed ${values.seed}: write a whole number from 0 to ${2 ** 31 - 1}`,
        );
    }
  } catch (error) {
    stderr.write(`reelbot simulate: ${(error as Error).message}\n${usage}`);
    return 2;
  }

  const config = loadConfig(options.env as NodeJS.ProcessEnv | undefined);
  let scene: Scene;
  try {
    if (sceneFile) {
      scene = readScene(sceneFile, seed);
      stdout.write(`Scene from ${sceneFile}: `);
    } else {
      const interpretation = await interpretPrompt(prompt!, {
        seed,
        openai: config.openai && {
          apiKey: config.openai.apiKey,
          baseUrl: config.openai.baseUrl,
          model: config.openai.model,
        },
      });
      if (interpretation.fallbackReason)
        stderr.write(
          `OpenAI could not help (${interpretation.fallbackReason}); using the built-in interpreter.\n`,
        );
      scene = interpretation.scene;
      stdout.write(
        interpretation.interpreter === 'openai' ? `Scene by ${config.openai!.model}: ` : 'Scene: ',
      );
    }
  } catch (error) {
    if (error instanceof SceneInvalidError) {
      stderr.write(
        `reelbot simulate: the scene has problems:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`,
      );
      return 1;
    }
    if (codeOf(error) === 'CLI_USAGE') {
      stderr.write(`reelbot simulate: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const { width, height } = scene.resolution;
  stdout.write(
    `${scene.objects.length} objects, ${scene.duration} s at ${width}x${height}, ${scene.fps} fps, seed ${scene.seed}\n`,
  );

  const db = openDatabase(config.dataDir);
  const store = createGenerationStore(db);
  const printer = createProgressPrinter(stdout);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const requester: Requester = options.requester ?? { platform: 'cli', userId: os.userInfo().username };
  try {
    const { generation, render } = await recordSimulation(
      { scene, prompt: prompt ?? undefined, requester },
      {
        store,
        dataDir: config.dataDir,
        // This process has nothing else to do meanwhile: the physics runs inline, which starts sooner.
        renderOptions: { display: config.display, physics: 'inline' },
        signal: controller.signal,
        onCreated: (g) => stdout.write(`Generation ${g.id}\n`),
        onProgress: (p) => printer.show(p),
      },
    );
    printer.end();
    const media = generation.media!;
    const file = path.join(config.dataDir, media.path);
    const t = render.timings;
    stdout.write(
      `Saved ${file} (${(media.bytes / (1024 * 1024)).toFixed(2)} MB, ${media.durationSeconds} s, ${media.width}x${media.height})\n` +
        `Poster ${path.join(config.dataDir, media.posterPath!)}\n` +
        `Took ${(t.wallMs / 1000).toFixed(1)} s: simulate ${(t.simulateMs / 1000).toFixed(2)} s, render ${((t.renderMs + t.readbackMs) / 1000).toFixed(2)} s, waiting on ffmpeg ${(t.encodeWaitMs / 1000).toFixed(2)} s\n`,
    );
    if (out) {
      await fs.promises.mkdir(path.dirname(path.resolve(out)), { recursive: true });
      await fs.promises.copyFile(file, path.resolve(out));
      stdout.write(`Copied to ${path.resolve(out)}\n`);
    }
    return 0;
  } catch (error) {
    printer.end();
    stderr.write(
      `reelbot simulate: ${error instanceof Error ? error.message : String(error)} [${codeOf(error)}]\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    db.close();
  }
}

/** `reelbot simulate`: the dispatcher's entry. */
export async function run(argv: string[]): Promise<number> {
  return simulate({ argv });
}
