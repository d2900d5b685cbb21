import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, readyWhen } from './server-process.js';

/** A private `redis-server` on 127.0.0.1, in its own temp folder, with nothing saved to disk. */
export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's `redis-server` (in the Makefile's DEB_PACKAGES) on a free loopback port and
 * resolves once it accepts connections, as its log line says. Stop it in `afterAll`.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await readyWhen(child, 'stdout', 'Ready to accept connections', 'redis-server');
  // Keep reading, so a full pipe never blocks the server.
  child.stdout!.resume();
  child.stderr!.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
