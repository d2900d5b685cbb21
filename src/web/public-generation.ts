import { linkKeyParam } from '../core/chat/gallery-links.js';
import type { Generation, GenerationStatus } from '../core/generations/types.js';
import { isFinal } from '../core/generations/types.js';

/** A generation as the JSON API shows it: no file paths, output URLs, claims or message references. */
export interface PublicGeneration {
  id: string;
  source: Generation['source'];
  model: string;
  version?: string;
  prompt?: string;
  input: Record<string, unknown>;
  seed?: number;
  status: GenerationStatus;
  final: boolean;
  progress?: number;
  lastLog?: string;
  error?: string;
  errorCode?: string;
  upstreamError?: string;
  requester: { platform: Generation['requester']['platform']; userId: string; userName?: string };
  media?: {
    url: string;
    downloadUrl: string;
    posterUrl?: string;
    mime: string;
    bytes: number;
    sha256: string;
    width?: number;
    height?: number;
    durationSeconds?: number;
  };
  /** What it used: Replicate's billed seconds (`predictTime`) and other metrics, or a simulation's CPU seconds. */
  metrics?: { predictTime?: number; cpuTime?: number; [name: string]: unknown };
  /** Estimated US dollars from reelbot's price table; absent when the price is unknown. */
  costUsd?: number;
  /** Moderation categories that make it a spoiler outside age-restricted channels (blurred in the gallery). */
  restrictedCategories?: string[];
  links: { page: string; api: string };
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  updatedAt: string;
}

/** `url` with the link key the request came with, if any, so it opens without the link's cookie. */
export function withLinkKey(url: string, linkKey: string | undefined): string {
  return linkKey ? `${url}${url.includes('?') ? '&' : '?'}${linkKeyParam}=${linkKey}` : url;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * Copies the fields users may see, one by one, so a field added to {@link Generation} later stays
 * private until someone decides otherwise.
 */
export function toPublicGeneration(generation: Generation, linkKey?: string): PublicGeneration {
  const { id, media } = generation;
  // Media URLs carry the key the request came with, so they open on their own (a player, curl).
  const signed = (url: string) => withLinkKey(url, linkKey);
  return {
    id,
    source: generation.source,
    model: generation.model,
    version: generation.version,
    prompt: generation.prompt,
    input: generation.input,
    seed: generation.seed,
    status: generation.status,
    final: isFinal(generation.status),
    progress: generation.progress,
    lastLog: generation.lastLog,
    error: generation.error,
    errorCode: generation.errorCode,
    upstreamError: generation.upstreamError,
    requester: {
      platform: generation.requester.platform,
      userId: generation.requester.userId,
      userName: generation.requester.userName,
    },
    media: media
      ? {
          url: signed(`/media/${id}`),
          downloadUrl: signed(`/media/${id}?download=1`),
          posterUrl: media.posterPath ? signed(`/media/${id}/poster`) : undefined,
          mime: media.mime,
          bytes: media.bytes,
          sha256: media.sha256,
          width: media.width,
          height: media.height,
          durationSeconds: media.durationSeconds,
        }
      : undefined,
    metrics: generation.metrics
      ? {
          ...generation.metrics.other,
          predictTime: generation.metrics.predictTime,
          cpuTime: generation.metrics.cpuTime,
        }
      : undefined,
    costUsd: generation.costUsd,
    restrictedCategories: generation.restrictedCategories,
    links: { page: `/g/${id}`, api: `/api/generations/${id}` },
    createdAt: iso(generation.createdAt)!,
    startedAt: iso(generation.startedAt),
    completedAt: iso(generation.completedAt),
    updatedAt: iso(generation.updatedAt)!,
  };
}

/**
 * The little a live card or page needs, sent over server-sent events: with the percent goes the log
 * line it was read from (`Rendering frame 45/90`), so the detail page's line moves with its bar.
 */
export function toLiveUpdate(generation: Generation) {
  return {
    id: generation.id,
    status: generation.status,
    final: isFinal(generation.status),
    progress: generation.progress,
    lastLog: generation.lastLog,
  };
}
