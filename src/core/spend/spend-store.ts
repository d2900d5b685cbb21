/*
 * The port spend keeps its figures behind: declared here, where it is used, and implemented by
 * src/core/store (SQLite, from the generations themselves). Nothing in this folder imports the store.
 */

/** Who is asking, as far as quotas care: a person, on a platform, maybe in a server. */
export interface Spender {
  platform: string;
  /** Discord guild or Slack workspace; absent in DMs and on the command line. */
  workspaceId?: string;
  userId: string;
}

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
  platform: string;
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

/** Where spend is kept and summed. */
export interface SpendStore {
  /** Keeps what a generation used; fields left out keep what was recorded before. */
  recordSpend(id: string, spend: SpendRecord): void;
  /** What `scope` used since `since` (ms). */
  usageSince(scope: UsageScope, since: number): UsageTotals;
}
