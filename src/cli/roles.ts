import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** What a `reelbot start` process does: everything (the default), or one part of a deployment. */
export type Role = 'all' | 'bot' | 'web' | 'worker';

const roles: readonly Role[] = ['all', 'bot', 'web', 'worker'];

/** What each role runs. Only `all` and `worker` perform jobs; the others submit to the shared queue. */
export interface RolePlan {
  role: Role;
  bots: boolean;
  web: boolean;
  performsJobs: boolean;
}

/**
 * Reads `--role` and checks it against the configuration: a process with one part alone needs
 * REDIS_URL, or the jobs a bot submits would never be performed (and a worker would get none).
 */
export function planRole(value: string | undefined, config: Pick<Config, 'redis'>): RolePlan {
  const role = (value ?? 'all') as Role;
  if (!roles.includes(role))
    throw new ConfigError([
      `--role must be one of ${roles.join(', ')} (got "${value}"); all runs everything in one process`,
    ]);
  if (role !== 'all' && !config.redis)
    throw new ConfigError([
      `--role ${role} needs REDIS_URL (for example redis://127.0.0.1:6379): bot, web and worker processes share their jobs and events through Redis. Without it, run reelbot start (role all), which does everything in one process.`,
    ]);
  return {
    role,
    bots: role === 'all' || role === 'bot',
    web: role === 'all' || role === 'web',
    performsJobs: role === 'all' || role === 'worker',
  };
}
