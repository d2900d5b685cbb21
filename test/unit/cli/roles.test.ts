import { describe, expect, it } from 'vitest';
import { planRole } from '../../../src/cli/roles.js';
import { ConfigError } from '../../../src/core/errors.js';

const redis = { redis: { url: 'redis://127.0.0.1:6379' } };

describe('reelbot start --role', () => {
  it('runs everything in one process by default, with or without Redis', () => {
    const everything = { role: 'all', bots: true, web: true, performsJobs: true };
    expect(planRole(undefined, {})).toEqual(everything);
    expect(planRole('all', redis)).toEqual(everything);
  });

  it('splits the parts on Redis: only workers (and all) perform jobs', () => {
    expect(planRole('bot', redis)).toEqual({ role: 'bot', bots: true, web: false, performsJobs: false });
    expect(planRole('web', redis)).toEqual({ role: 'web', bots: false, web: true, performsJobs: false });
    expect(planRole('worker', redis)).toEqual({
      role: 'worker',
      bots: false,
      web: false,
      performsJobs: true,
    });
  });

  it('refuses a part alone without REDIS_URL, and a role that does not exist, saying what to do', () => {
    for (const role of ['bot', 'web', 'worker'])
      expect(() => planRole(role, {})).toThrow(new RegExp(`--role ${role} needs REDIS_URL`));
    expect(() => planRole('both', redis)).toThrow(ConfigError);
    expect(() => planRole('both', redis)).toThrow(/--role must be one of all, bot, web, worker/);
  });
});
