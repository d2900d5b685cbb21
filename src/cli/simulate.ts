import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../core/config.js';
import { codeOf, FileError, ValidationError } from '../core/errors.js';
import { createModerationGate } from '../core/generations/moderation.js';
import { screenPrompt } from '../core/generations/prompt-screen.js';
import { createRefusalRecorder, type RefusalLog } from '../core/generations/refusals.js';
import { createServerRules } from '../core/generations/server-rules.js';
import type { GenerationEvent, Requester } from '../core/generations/types.js';
import { silentLogger } from '../core/logger.js';
import { readJsonFile } from '../core/media/json-file.js';
import { withLocalFile } from '../core/media/storage.js';
import { assertPromptLength } from '../core/prompt-limit.js';
import { readFileCapped } from '../core/read-capped.js';
import {
  editableScene,
  parseScene,
  type Scene,
  SceneInvalidError,
  sceneOfSentence,
} from '../simulation/index.js';
import { applyVideoChoices } from '../simulation/video-choices.js';
import { type CoreRuntime, createCoreRuntime, moderatorFor } from './runtime.js';
import { readSimulateArguments, type SimulateArguments, simulateUsage } from './simulate-arguments.js';

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

/** One progress line, rewritten in place on a terminal, printed every quarter elsewhere. */
function createProgressPrinter(out: Output) {
  let lastKey = '';
  return {
    show(note: string, percent: number) {
      const line = `${note} (${percent} %)`;
      if (out.isTTY) {
        out.write(`\r\x1b[2K${line}`);
        return;
      }
      const key = `${note.split(' ')[0]}|${Math.floor(percent / 25)}`;
      if (key !== lastKey || percent >= 95) out.write(`${line}\n`);
      lastKey = key;
    },
    end() {
      if (out.isTTY) out.write('\r\x1b[2K');
    },
  };
}

/** Scenes are a few KB of JSON; a cap keeps /dev/zero or a video named by mistake out of memory. */
export const maxSceneBytes = 1024 * 1024;

async function readScene(file: string): Promise<Scene> {
  const bytes = await readFileCapped(
    file,
    maxSceneBytes,
    'scene file',
    'scenes are small JSON files, a few KB each',
  );
  const read = await readJsonFile(bytes);
  // A broken file, like one that is missing or invalid (exit 1), not a mistake in the command line (2).
  if (!read.ok)
    throw new FileError('FILE_UNREADABLE', `The scene file ${file} is not a scene: ${read.problem}`);
  return parseScene(read.value);
}

/** Where `--out` puts the video: the file it names, or, naming a folder, a file in it as `cp` does. */
type OutTarget = { file: string } | { folder: string };

function unwritable(out: string, reason: string, cause?: unknown): FileError {
  return new FileError('FILE_UNWRITABLE', `reelbot cannot write the video to ${out}: ${reason}.`, {
    cause,
    context: { file: out },
  });
}

function specialKind(stat: fs.Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a pipe';
  if (stat.isSocket()) return 'a socket';
  return 'neither a file nor a folder';
}

/**
 * Checks `--out` before anything renders, so a copy that cannot be made costs no render: the
 * nearest folder that exists must be one (not a file) and writable.
 */
async function outTarget(out: string): Promise<OutTarget> {
  const target = path.resolve(out);
  const stat = (file: string) => fs.promises.stat(file).catch(() => undefined);
  const there = await stat(target);
  // A device or a pipe (`/dev/null`, `>(ffplay -)`): a copy into a pipe waits for a reader, and one
  // into a device fails after the whole render and then removes it (as root, /dev/null itself).
  if (there && !there.isDirectory() && !there.isFile())
    throw unwritable(out, `it is ${specialKind(there)}, not a file; name a file or a folder`);
  // A folder that is there, or one named as a folder (`videos/`), made when the video is copied.
  const folder = /[/\\]$/.test(out) || there?.isDirectory() === true;
  let above = folder ? target : path.dirname(target);
  let found = await stat(above);
  while (!found && path.dirname(above) !== above) {
    above = path.dirname(above);
    found = await stat(above);
  }
  if (found && !found.isDirectory()) throw unwritable(out, `${above} is a file, not a folder`);
  try {
    await fs.promises.access(above, fs.constants.W_OK);
  } catch (error) {
    throw unwritable(out, `${above} is not writable`, error);
  }
  return folder ? { folder: target } : { file: target };
}

/** Runs `reelbot simulate`; returns the exit code. */
export async function simulate(options: SimulateOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let read: SimulateArguments | 'help';
  try {
    read = readSimulateArguments(options.argv);
  } catch (error) {
    stderr.write(`reelbot simulate: ${(error as Error).message}\n${simulateUsage}`);
    return 2;
  }
  if (read === 'help') {
    stdout.write(simulateUsage);
    return 0;
  }

  const config = loadConfig(options.env as NodeJS.ProcessEnv | undefined);
  let core: CoreRuntime | undefined;
  // Opened once something needs the service, so a bad scene file or an over-long prompt leaves no database.
  const runtime = async () =>
    (core ??= await createCoreRuntime(config, silentLogger(), {
      // This process has nothing else to do meanwhile: the physics runs inline, which starts sooner.
      simulationPhysics: 'inline',
    }));
  try {
    return await simulateWith(config, runtime, read, options);
  } finally {
    await (core as CoreRuntime | undefined)?.close();
  }
}

/**
 * The one check of a sentence, before it is read: the service's screen (blocked terms, then
 * moderation), so a refused sentence costs no OpenAI call and no render. Built from the
 * environment rather than the service, so a look at a scene (`--scene-only`) opens no store: the
 * command line is the operator's, no server's settings apply to it, so its blocked terms are
 * BLOCKED_TERMS and its moderation OpenAI's, as the service checks them. A run that records its
 * video gives `refusals`, and a refusal goes to the operator's log as the service writes it.
 */
async function screenSentence(
  config: Config,
  prompt: string,
  requester: Requester,
  refusals: RefusalLog | undefined,
): Promise<void> {
  const logger = silentLogger();
  const deps = {
    rules: createServerRules({ config }),
    moderation: createModerationGate({ moderator: moderatorFor(config), config, logger }),
    logger,
  };
  await createRefusalRecorder({ log: refusals, clock: Date.now, logger }).watch(requester, undefined, () =>
    screenPrompt(deps, prompt, requester),
  );
}

async function simulateWith(
  config: Config,
  runtime: () => Promise<CoreRuntime>,
  { prompt, sceneFile, seed, out, sceneOnly, video }: SimulateArguments,
  options: SimulateOptions,
): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const requester: Requester = options.requester ?? { platform: 'cli', userId: os.userInfo().username };
  let scene: Scene;
  let copyTo: OutTarget | undefined;
  try {
    if (prompt) assertPromptLength(prompt);
    if (out) copyTo = await outTarget(out);
    const file = sceneFile && (await readScene(sceneFile));
    // Before interpreting, as chat's /simulate does: a prompt the service refuses (a blocked term,
    // flagged by moderation) is refused before it costs an OpenAI call or a render.
    if (prompt)
      await screenSentence(
        config,
        prompt,
        requester,
        sceneOnly ? undefined : (await runtime()).database.refusals,
      );
    if (file) {
      scene = applyVideoChoices(file, video);
      stdout.write(`Scene from ${sceneFile}: `);
    } else {
      const interpretation = await sceneOfSentence(prompt!, {
        seed,
        video,
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
      if (interpretation.reading) stdout.write(`Read as: ${interpretation.reading}\n`);
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
    if (error instanceof FileError || error instanceof ValidationError) {
      stderr.write(`reelbot simulate: ${error.message.replace(/\.?$/, '.')}\n`);
      return 1;
    }
    if (codeOf(error) === 'CLI_USAGE') {
      stderr.write(`reelbot simulate: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const { width, height } = scene.resolution;
  // A seed picks how a sentence is read; a scene file is rendered as it is, so it names none.
  const seeded = !sceneFile;
  stdout.write(
    `${scene.objects.length} object${scene.objects.length === 1 ? '' : 's'}, ${scene.duration} s at ${width}x${height}, ${scene.fps} fps${
      seeded ? `, seed ${scene.seed}` : ', as the scene file says'
    }\n`,
  );

  if (sceneOnly) {
    // As the Scene button sends it, to be edited and given back with --scene.
    stdout.write(`${JSON.stringify(editableScene(scene), null, 2)}\n`);
    return 0;
  }

  const core = await runtime();
  const { service } = core;
  const printer = createProgressPrinter(stdout);
  const startedAt = Date.now();
  let generationId: string | undefined;
  // Only this command's job runs in this process, so every event before the id is known is ours.
  const finished = new Promise<GenerationEvent>((resolve) => {
    const unsubscribe = service.subscribe((event) => {
      if (generationId && event.generation.id !== generationId) return;
      if (event.type === 'progress' && event.log) printer.show(event.log, event.percent ?? 0);
      if (event.type === 'succeeded' || event.type === 'failed' || event.type === 'canceled') {
        unsubscribe();
        resolve(event);
      }
    });
  });
  let interrupted = false;
  const cancel = (id: string) =>
    service.cancel(id, { userId: requester.userId, admin: true }).catch((error: unknown) => {
      stderr.write(`reelbot simulate: could not cancel ${id}: ${(error as Error).message}\n`);
    });
  const onSigint = () => {
    if (interrupted) {
      // A second Ctrl-C: whoever pressed it will not wait for the cancel. SIGINT's own default
      // ends the process at once; what it started notices its owner gone and stops too.
      process.off('SIGINT', onSigint);
      process.kill(process.pid, 'SIGINT');
      return;
    }
    interrupted = true;
    printer.end();
    stderr.write('Canceling; Ctrl-C again quits at once.\n');
    if (generationId) void cancel(generationId);
  };
  process.on('SIGINT', onSigint);
  try {
    const generation = await service.simulate!({
      requester,
      prompt: prompt ?? `scene ${path.basename(sceneFile!)}`,
      ...(seeded ? { seed: scene.seed } : {}),
      scene,
      ...(video ? { video } : {}),
    });
    generationId = generation.id;
    stdout.write(`Generation ${generation.id}\n`);
    // Ctrl-C while the service took the request (screening it, recording it) had nothing to cancel yet.
    if (interrupted) void cancel(generation.id);
    const outcome = await finished;
    printer.end();
    if (outcome.type === 'canceled') {
      stderr.write(`Canceled ${generation.id}.\n`);
      // 130 (128 + SIGINT) when this Ctrl-C canceled it, as shells report an interrupted command.
      return interrupted ? 130 : 1;
    }
    if (outcome.type !== 'succeeded') {
      const reason = outcome.type === 'failed' ? outcome.reason : outcome.type;
      stderr.write(
        `reelbot simulate: ${reason} [${outcome.generation.errorCode ?? outcome.type.toUpperCase()}]\n`,
      );
      return 1;
    }
    const { media } = outcome;
    stdout.write(
      `Saved ${core.media.describe(media.path)} (${(media.bytes / (1024 * 1024)).toFixed(2)} MB, ${media.durationSeconds} s, ${media.width}x${media.height})\n` +
        (media.posterPath ? `Poster ${core.media.describe(media.posterPath)}\n` : '') +
        `Took ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`,
    );
    if (copyTo) {
      const copy = 'folder' in copyTo ? path.join(copyTo.folder, `${generation.id}.mp4`) : copyTo.file;
      try {
        await fs.promises.mkdir(path.dirname(copy), { recursive: true });
        await withLocalFile(core.media, media.path, (file) => fs.promises.copyFile(file, copy));
      } catch (error) {
        // Checked before rendering, so this is the disk filling or a folder changing meanwhile.
        stderr.write(`reelbot simulate: ${unwritable(copy, (error as Error).message, error).message}\n`);
        return 1;
      }
      stdout.write(`Copied to ${copy}\n`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `reelbot simulate`: the dispatcher's entry. */
export async function run(argv: string[]): Promise<number> {
  return simulate({ argv });
}
