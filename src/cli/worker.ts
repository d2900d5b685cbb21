import { run as start } from './start.js';

/**
 * `reelbot worker`: a process that only takes jobs from the Redis queues (REDIS_URL) and performs
 * them: no web server, no bots. As many as wanted run, on any machine that shares the data (the
 * store and the media). The same as `reelbot start --role worker`.
 */
export async function run(argv: string[]): Promise<number> {
  return start(['--role', 'worker', ...argv]);
}
