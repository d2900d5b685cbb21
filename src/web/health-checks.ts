import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import type { GenerationStore } from '../core/store/index.js';

/** Below this much free space in DATA_DIR, downloads and encodes start failing: report unhealthy. */
export const minFreeBytes = 512 * 1024 * 1024;

/** One check's answer. */
export interface CheckResult {
  ok: boolean;
  [detail: string]: unknown;
}

/**
 * Runs `ffmpeg -version` and remembers a good answer: ffmpeg does not go away while we run. A bad
 * answer is asked again next time, so installing ffmpeg heals `/healthz` without a restart.
 */
export function createFfmpegCheck(command = 'ffmpeg', spawnProcess: typeof spawn = spawn) {
  let answer: Promise<CheckResult> | undefined;
  return (): Promise<CheckResult> => {
    answer ??= new Promise<CheckResult>((resolve) => {
      let output = '';
      const child = spawnProcess(command, ['-version'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10_000,
      });
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        if (output.length < 4096) output += chunk;
      });
      child.on('error', () => resolve({ ok: false, error: 'ffmpeg not found' }));
      child.on('close', (code) => {
        const version = /^ffmpeg version (\S+)/m.exec(output)?.[1];
        resolve(
          code === 0 && version
            ? { ok: true, version }
            : { ok: false, error: `ffmpeg -version exited with ${code}` },
        );
      });
    }).then((result) => {
      if (!result.ok) answer = undefined;
      return result;
    });
    return answer;
  };
}

/** The database answers a query. */
export function checkDatabase(store: GenerationStore): CheckResult {
  try {
    store.list({}, { limit: 1 });
    return { ok: true };
  } catch {
    return { ok: false, error: 'database query failed' };
  }
}

/** Free space in DATA_DIR (fs.statfs), healthy above {@link minFreeBytes}. */
export async function checkDisk(dataDir: string): Promise<CheckResult> {
  try {
    const stats = await fs.statfs(dataDir);
    const freeBytes = stats.bavail * stats.bsize;
    return { ok: freeBytes >= minFreeBytes, freeBytes, totalBytes: stats.blocks * stats.bsize };
  } catch {
    return { ok: false, error: 'data directory not readable' };
  }
}
