import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../core/config.js';
import { FileError, ReelbotError } from '../core/errors.js';
import type { AttachmentInput } from '../core/generations/service-types.js';
import { loadPrices } from '../core/generations/spend/prices.js';
import { describeEvent, formatElapsed } from '../core/generations/status-text.js';
import type { Generation, GenerationEvent, Requester } from '../core/generations/types.js';
import { maxAttachmentBytes } from '../core/media/attachments.js';
import type { MediaStorage } from '../core/media/storage.js';
import { readFileCapped } from '../core/read-capped.js';
import { createCoreRuntime } from './runtime.js';

const usage = `Usage: reelbot generate OWNER/NAME [--input key=value ...] [--image FILE] [--wait | --detach]

Makes a video with a Replicate model, shows its progress, and prints where the video was saved.
  --input key=value   a model input (repeat for several; repeat a key for a list input)
  --image FILE        an image for the model's image input (JPEG, PNG, GIF or WebP, at most 10 MB)
  --wait              wait until the video is saved (the default)
  --detach            return once Replicate has the job; \`reelbot start\` finishes it (it resumes
                      unfinished generations when it starts, or at once through webhooks)
Ctrl-C while waiting cancels the generation (and its prediction).
`;

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What `generate` needs; defaults are the real process. */
export interface GenerateOptions {
  argv: string[];
  stdout?: Output;
  stderr?: Output;
  /** Read by `loadConfig`; the process environment when absent. */
  env?: Record<string, string | undefined>;
  /** Who asks; the OS user by default. */
  requester?: Requester;
}

function parseInputs(pairs: string[]): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ReelbotError('CLI_USAGE', `--input ${pair}: write key=value`);
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1);
    const earlier = values[key];
    values[key] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return values;
}

async function readImage(file: string): Promise<AttachmentInput> {
  const name = path.basename(file);
  const data = await readFileCapped(
    file,
    maxAttachmentBytes,
    'image',
    'models take JPEG, PNG, GIF or WebP images of at most that size',
  );
  return { url: `file:${name}`, filename: name, data };
}

/** One status line, rewritten in place on a terminal and printed on change elsewhere. */
function createProgressPrinter(out: Output) {
  let last = '';
  return {
    show(event: GenerationEvent) {
      const view = describeEvent(event);
      const line = view.lastLog && !view.final ? `${view.headline}  ${view.lastLog}` : view.headline;
      if (out.isTTY) {
        const width = (out as { columns?: number }).columns ?? 100;
        out.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
        if (view.final) out.write('\n');
        return;
      }
      // Without a terminal, print only real changes (not every tick of the elapsed time).
      const key = `${view.label}|${view.percent ?? ''}|${view.queuePosition ?? ''}|${view.ownAhead ?? ''}`;
      if (key !== last) out.write(`${line}\n`);
      last = key;
    },
  };
}

function describeSaved(storage: Pick<MediaStorage, 'describe'>, generation: Generation): string {
  const media = generation.media!;
  const file = storage.describe(media.path);
  const facts = [`${(media.bytes / (1024 * 1024)).toFixed(1)} MB`];
  if (media.durationSeconds) facts.push(`${media.durationSeconds.toFixed(1)} s`);
  if (media.width && media.height) facts.push(`${media.width}x${media.height}`);
  const lines = [`Saved ${file} (${facts.join(', ')})`];
  if (media.posterPath) lines.push(`Poster ${storage.describe(media.posterPath)}`);
  if (generation.seed !== undefined) lines.push(`Seed ${generation.seed}`);
  if (generation.extraOutputs?.length)
    lines.push(
      `The model made ${generation.extraOutputs.length} more output(s); reelbot kept the first video.`,
    );
  return `${lines.join('\n')}\n`;
}

/** Runs `reelbot generate`; returns the exit code. */
export async function generate(options: GenerateOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: options.argv,
      allowPositionals: true,
      options: {
        input: { type: 'string', short: 'i', multiple: true },
        image: { type: 'string', multiple: true },
        wait: { type: 'boolean' },
        detach: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  let values: Record<string, string | string[]>;
  let attachments: AttachmentInput[];
  try {
    parsed = parse();
    if (parsed.values.help) {
      stdout.write(usage);
      return 0;
    }
    if (parsed.positionals.length !== 1 || !/^[\w.-]+\/[\w.-]+$/.test(parsed.positionals[0]!))
      throw new ReelbotError('CLI_USAGE', 'name one model as OWNER/NAME');
    if (parsed.values.wait && parsed.values.detach)
      throw new ReelbotError('CLI_USAGE', '--wait and --detach cannot go together');
    values = parseInputs(parsed.values.input ?? []);
  } catch (error) {
    stderr.write(`reelbot generate: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  try {
    attachments = await Promise.all((parsed.values.image ?? []).map(readImage));
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    stderr.write(`reelbot generate: ${error.message}\n`);
    return 1;
  }

  const config = loadConfig(options.env as NodeJS.ProcessEnv | undefined);
  if (!config.replicate.token) {
    stderr.write(
      'reelbot generate needs REPLICATE_API_TOKEN: create a token at https://replicate.com/account/api-tokens and export REPLICATE_API_TOKEN=r8_...\n',
    );
    return 1;
  }
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const prices = await loadPrices(config.spend.pricesFile);
  const runtime = await createCoreRuntime(config, logger, { prices });
  const { service } = runtime;
  const printer = createProgressPrinter(stdout);
  let generationId: string | undefined;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    if (generationId)
      void service.cancel(generationId, { userId: requester.userId, admin: true }).catch(() => {});
  };
  const requester: Requester = options.requester ?? { platform: 'cli', userId: os.userInfo().username };

  try {
    const ended = new Promise<Generation>((resolve) => {
      service.subscribe((event) => {
        if (event.generation.id !== generationId) return;
        printer.show(event);
        if (event.type === 'succeeded' || event.type === 'failed' || event.type === 'canceled')
          resolve(event.generation);
        if (parsed.values.detach && event.type === 'started') resolve(event.generation);
      });
    });
    process.once('SIGINT', onSigint);
    const started = await service.start({
      requester,
      model: parsed.positionals[0]!,
      values,
      attachments,
    });
    generationId = started.id;
    // Ctrl-C during start (model lookup, image upload) had nothing to cancel yet.
    if (interrupted) onSigint();
    stdout.write(
      `Generation ${started.id} (${started.model})${started.seed !== undefined ? `, seed ${started.seed}` : ''}\n`,
    );
    const final = await ended;
    const generation = (await service.get(final.id)) ?? final;
    if (parsed.values.detach && generation.status !== 'succeeded' && generation.status !== 'failed') {
      stdout.write(
        `Replicate is working on ${generation.id}. \`reelbot start\` finishes it: it resumes unfinished generations when it starts.\n`,
      );
      return 0;
    }
    if (generation.status === 'succeeded') {
      stdout.write(describeSaved(runtime.media, generation));
      stdout.write(`Took ${formatElapsed((generation.completedAt ?? Date.now()) - generation.createdAt)}\n`);
      return 0;
    }
    if (generation.status === 'canceled') {
      stderr.write(`Canceled ${generation.id}.\n`);
      return interrupted ? 130 : 1;
    }
    stderr.write(`Failed: ${generation.error ?? 'the generation failed'}\n`);
    if (generation.upstreamError) stderr.write(`Replicate said: ${generation.upstreamError}\n`);
    return 1;
  } catch (error) {
    if (!(error instanceof ReelbotError)) throw error;
    stderr.write(`reelbot generate: ${error.userMessage}\n`);
    logger.debug({ err: error }, 'generate failed');
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await runtime.close();
  }
}

/** `reelbot generate`. */
export async function run(argv: string[]): Promise<number> {
  return generate({ argv });
}
