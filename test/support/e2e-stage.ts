import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ReelbotProcess,
  type SpawnedReelbot,
  type SpawnOptions,
  spawnReelbot,
  startReelbot,
} from './reelbot-process.js';

/** A fake (`close`) or a private server (`stop`) that a test file started. */
type Server = { close(): Promise<void> } | { stop(): Promise<void> };

/**
 * What one spawned-process test file sets up around `bin/reelbot`: its fakes and private servers, a
 * DATA_DIR of its own, and every reelbot process it spawned. `end`, in `afterAll`, takes all of it
 * down, so that a test that failed half way leaves no process, server or folder behind.
 */
export interface E2eStage {
  /** An empty folder under the system's temp folder, for DATA_DIR. */
  readonly dataDir: string;
  /** Keeps a fake or server being started, for `end` to close; resolves with it. */
  use<T extends Server>(starting: Promise<T>): Promise<T>;
  /** {@link spawnReelbot}, killed by `end` if still running. */
  spawn(env: Record<string, string>, options?: SpawnOptions): SpawnedReelbot;
  /** {@link startReelbot}, killed by `end` if still running. */
  start(env: Record<string, string>, options?: SpawnOptions): Promise<ReelbotProcess>;
  /** SIGKILLs what reelbot processes are left, closes the servers in the order used, removes the folder. */
  end(): Promise<void>;
}

/** A stage whose DATA_DIR is named for the test file (`reelbot-e2e-<name>-…`). */
export function createE2eStage(name: string): E2eStage {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `reelbot-e2e-${name}-`));
  // A slot per `use`, taken when it is called: servers close in that order, however they start.
  const servers: (Server | undefined)[] = [];
  const processes: SpawnedReelbot[] = [];
  return {
    dataDir,
    async use(starting) {
      const slot = servers.push(undefined) - 1;
      const server = await starting;
      servers[slot] = server;
      return server;
    },
    spawn(env, options) {
      const spawned = spawnReelbot(env, options);
      processes.push(spawned);
      return spawned;
    },
    async start(env, options) {
      // startReelbot kills a process that never says it is running: only a started one is kept.
      const started = await startReelbot(env, options);
      processes.push(started);
      return started;
    },
    async end() {
      for (const spawned of processes.splice(0)) spawned.kill();
      for (const server of servers.splice(0)) {
        if (server) await ('close' in server ? server.close() : server.stop());
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
