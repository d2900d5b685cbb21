import type { Platform } from '../types.js';

/*
 * The port quotas and /usage read spend through: declared here, where it is used, and implemented
 * by src/core/store (columns kept with each generation).
 */

/** What one generation used, recorded once it is known. */
export interface SpendRecord {
  /** Replicate's `metrics.predict_time`, seconds. */
  predictTime?: number;
  /** Replicate's other metrics. */
  other?: Record<string, unknown>;
  /** Local CPU seconds of a simulation. */
  cpuSeconds?: number;
  costUsd?: number;
}

/** Whose usage: one person, or a whole server (Discord guild, Slack workspace). */
export interface UsageScope {
  platform: Platform;
  userId?: string;
  workspaceId?: string;
}

/** What a person or server used in a span of time; failed and canceled videos are given back. */
export interface UsageTotals {
  /** Replicate videos asked for, running ones included. */
  videos: number;
  /** Replicate's billed seconds of those that finished. */
  gpuSeconds: number;
  /** The dollars of those whose price is known. */
  costUsd: number;
  /** Finished videos with compute seconds but no known price: the dollars leave them out. */
  unpriced: number;
  simulations: number;
  cpuSeconds: number;
}

/** Spend kept with each generation, and summed for quotas and `/usage`. */
export interface SpendLedger {
  /** Keeps what one generation used, once it is known. */
  recordSpend(id: string, spend: SpendRecord): Promise<void>;
  /** What a person or server used since `since` (ms); failed and canceled videos do not count. */
  usageSince(scope: UsageScope, since: number): Promise<UsageTotals>;
}
