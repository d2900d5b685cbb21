import { formatRemaining, remainingMs } from './estimate.js';
import { sceneFileNote } from './scene-file.js';
import { describeSpend } from './spend/spend-text.js';
import type { Generation, GenerationEvent, GenerationStatus, TypicalRun } from './types.js';

export { friendlyFailure, upstreamErrorText } from './failure-reason.js';

/** A platform-free description of where a generation stands; each bot renders it its own way. */
export interface StatusView {
  state: GenerationStatus;
  /** A short label: `Queued`, `Starting`, `Generating`, `Saving`, `Done`, `Failed`, `Canceled`. */
  label: string;
  emoji: string;
  final: boolean;
  /** 0..100 while generating, when the model's logs tell. */
  percent?: number;
  /** A 10-cell text bar for `percent`, e.g. `▓▓▓▓░░░░░░`. */
  bar?: string;
  /** Time since it was asked for (running) or time it took (final), e.g. `1m 05s`. */
  elapsed?: string;
  elapsedMs?: number;
  /** 1-based place in the queue while waiting. */
  queuePosition?: number;
  /** While waiting on the person's own limit: how many of theirs are ahead. */
  ownAhead?: number;
  /** While generating, once something tells: `about 40 s left`. */
  remaining?: string;
  /** The newest line of the model's log while it runs. */
  lastLog?: string;
  /** One line that says it all: `⏳ Generating 45% · 1m 05s`. */
  headline: string;
  /** What it used once finished: `GPU 12.5 s · about $0.02`, `CPU 3.1 s`. */
  spend?: string;
  /** Lines to show under the headline: model, prompt, seed, time taken, what it used. */
  details: string[];
  /** Why it failed: a sentence for people, and Replicate's own words. */
  failure?: { reason: string; upstream?: string };
}

const labels: Record<GenerationStatus, { label: string; emoji: string }> = {
  queued: { label: 'Queued', emoji: '🕒' },
  starting: { label: 'Starting', emoji: '🚀' },
  processing: { label: 'Generating', emoji: '⏳' },
  downloading: { label: 'Saving', emoji: '💾' },
  succeeded: { label: 'Done', emoji: '✅' },
  failed: { label: 'Failed', emoji: '❌' },
  canceled: { label: 'Canceled', emoji: '🚫' },
};

/** What Cancel says when the generation had ended before it was pressed (a stale message, `/jobs`). */
export function alreadyEndedText(status: GenerationStatus): string {
  if (status === 'canceled') return 'That video was already canceled.';
  if (status === 'failed') return 'That video had already failed.';
  return 'That video had already finished.';
}

/** `850ms` -> `0s`, `65_000` -> `1m 05s`, `3_723_000` -> `1h 02m`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** A text progress bar of `width` cells. */
export function progressBar(percent: number, width = 10): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return '▓'.repeat(filled) + '░'.repeat(width - filled);
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface DescribeOptions {
  now?: number;
  queuePosition?: number;
  /** How many of the person's own generations are ahead of a waiting one (their limit holds it). */
  ownAhead?: number;
  /** The model's typical run, for the time-left estimate. */
  typical?: TypicalRun;
  /** Longest prompt shown; chat messages have room for more than status lines. Default 300. */
  promptMax?: number;
}

/** Describes a generation as it is now. */
export function describeGeneration(generation: Generation, options: DescribeOptions = {}): StatusView {
  const now = options.now ?? Date.now();
  const state = generation.status;
  const { label, emoji } = labels[state];
  const final = state === 'succeeded' || state === 'failed' || state === 'canceled';
  const elapsedMs = (final ? (generation.completedAt ?? generation.updatedAt) : now) - generation.createdAt;
  const view: StatusView = {
    state,
    label,
    emoji,
    final,
    elapsedMs,
    elapsed: formatElapsed(elapsedMs),
    headline: '',
    details: [],
  };
  const parts = [`${emoji} ${label}`];
  if (state === 'queued' && options.queuePosition && options.queuePosition > 0) {
    view.queuePosition = options.queuePosition;
    parts[0] = `${emoji} Queued, #${options.queuePosition} in line`;
  }
  if (state === 'queued' && options.ownAhead && options.ownAhead > 0) {
    view.ownAhead = options.ownAhead;
    parts[0] = `${emoji} Queued: ${options.ownAhead} of yours ahead`;
  }
  if (state === 'processing' && generation.progress !== undefined) {
    view.percent = Math.round(generation.progress);
    view.bar = progressBar(generation.progress);
    parts.push(`${view.bar} ${view.percent}%`);
  }
  if (!final && generation.lastLog) view.lastLog = clip(generation.lastLog, 200);
  parts.push(final ? `took ${view.elapsed}` : view.elapsed!);
  if (state === 'processing') {
    view.remaining = formatRemaining(
      remainingMs({
        startedAt: generation.startedAt,
        now,
        percent: generation.progress,
        typical: options.typical,
      }),
    );
    if (view.remaining) parts.push(view.remaining);
  }
  view.headline = parts.join(' · ');

  view.details.push(`Model: ${generation.model}`);
  if (generation.prompt) view.details.push(`Prompt: ${clip(generation.prompt, options.promptMax ?? 300)}`);
  // How the built-in interpreter read a simulation's sentence, so people can rephrase it.
  if (typeof generation.input.reading === 'string') view.details.push(`Read as: ${generation.input.reading}`);
  const fromFile = sceneFileNote(generation);
  if (fromFile) view.details.push(fromFile);
  if (generation.seed !== undefined) view.details.push(`Seed: ${generation.seed}`);
  if (final) view.details.push(`Time taken: ${view.elapsed}`);
  view.spend = final ? describeSpend(generation) : undefined;
  if (view.spend) view.details.push(view.spend);
  if (state === 'failed') {
    view.failure = {
      reason: generation.error ?? 'The generation failed.',
      upstream: generation.upstreamError,
    };
  }
  return view;
}

/**
 * Describes the generation an event is about, with what the event carries: the queue place of a
 * `queued` event, the model's typical run of a running one.
 */
export function describeEvent(
  event: GenerationEvent,
  options: Omit<DescribeOptions, 'queuePosition' | 'ownAhead' | 'typical'> = {},
) {
  const view = describeGeneration(event.generation, {
    ...options,
    queuePosition: event.type === 'queued' ? event.position : undefined,
    ownAhead: event.type === 'queued' ? event.ownAhead : undefined,
    typical: 'typical' in event ? event.typical : undefined,
  });
  if (event.type === 'progress') {
    if (event.percent !== undefined && view.percent === undefined) {
      view.percent = Math.round(event.percent);
      view.bar = progressBar(event.percent);
    }
    if (event.log) view.lastLog = clip(event.log, 200);
  }
  if (event.type === 'failed')
    view.failure = { reason: event.reason, upstream: event.upstreamError ?? view.failure?.upstream };
  return view;
}

/** Plain text of a view: the headline, the log line while running, the details, the failure. */
export function statusLines(view: StatusView): string[] {
  const lines = [view.headline];
  if (view.lastLog) lines.push(`> ${view.lastLog}`);
  if (view.failure) {
    lines.push(view.failure.reason);
    if (view.failure.upstream) lines.push(`Replicate said: ${clip(view.failure.upstream, 500)}`);
  }
  lines.push(...view.details);
  return lines;
}
