import type { Config } from '../../config.js';
import type { Platform } from '../types.js';

/** The daily quotas of one place. Unset server budgets mean no limit. */
export interface SpendLimits {
  /** Replicate videos per person per UTC day; 0 means no limit. */
  videosPerUser: number;
  gpuSecondsPerServer?: number;
  usdPerServer?: number;
}

/** A server: a Discord guild or a Slack workspace (none in DMs and on the command line). */
export interface Place {
  platform: Platform;
  workspaceId?: string;
}

/** The quotas that hold in a place (asynchronous: a server's own settings may be read from the store). */
export type LimitsFor = (place: Place) => Promise<SpendLimits>;

/** What a server's settings override: a key left out keeps the default, `null` lifts that limit. */
export type LimitOverrides = { [K in keyof SpendLimits]?: SpendLimits[K] | null };

/**
 * The one lookup of a place's quotas: the environment's defaults, with what the server's own
 * settings override on top when `overrides` knows that server (server settings set in chat plug in
 * here; a key left out keeps the default, `null` lifts that limit).
 */
export function createLimitsFor(
  defaults: Config['spend'],
  overrides?: (place: Place) => LimitOverrides | undefined | Promise<LimitOverrides | undefined>,
): LimitsFor {
  const base: SpendLimits = {
    videosPerUser: defaults.dailyVideosPerUser,
    gpuSecondsPerServer: defaults.dailyGpuSecondsPerServer,
    usdPerServer: defaults.dailyUsdPerServer,
  };
  return async (place) => {
    const own = place.workspaceId ? await overrides?.(place) : undefined;
    if (!own) return base;
    const pick = <K extends keyof SpendLimits>(key: K) =>
      own[key] === undefined ? base[key] : (own[key] ?? undefined);
    return {
      videosPerUser: pick('videosPerUser') ?? 0,
      gpuSecondsPerServer: pick('gpuSecondsPerServer'),
      usdPerServer: pick('usdPerServer'),
    };
  };
}
