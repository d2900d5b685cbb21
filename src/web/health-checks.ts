import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { codeOf } from '../core/errors.js';
import type { GenerationStore } from '../core/generations/generation-store.js';

/** Below this much free space in DATA_DIR, downloads and encodes start failing: report unhealthy. */
export const minFreeBytes = 512 * 1024 * 1024;

/**
 * The free space `/healthz` asks for: room for one more download of the largest size allowed
 * (DOWNLOAD_MAX_BYTES), and never less than {@link minFreeBytes}. Reported before a download can
 * fail with DOWNLOAD_DISK_FULL.
 */
export function freeBytesNeeded(downloadMaxBytes: number): number {
  return Math.max(minFreeBytes, downloadMaxBytes);
}

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

/** The media storage's own check (a bucket's HEAD), as a result with the error's code. */
export function createStorageCheck(media: { check(): Promise<void> }): () => Promise<CheckResult> {
  return () =>
    media.check().then(
      () => ({ ok: true }),
      (error: unknown) => ({ ok: false, error: `media storage: ${codeOf(error)}` }),
    );
}

/** The database answers a query. */
export async function checkDatabase(store: GenerationStore): Promise<CheckResult> {
  try {
    await store.list({}, { limit: 1 });
    return { ok: true };
  } catch {
    return { ok: false, error: 'database query failed' };
  }
}

/** Free space in DATA_DIR (fs.statfs), healthy from `neededBytes` up; below that it says so. */
export async function checkDisk(dataDir: string, neededBytes: number = minFreeBytes): Promise<CheckResult> {
  try {
    const stats = await fs.statfs(dataDir);
    const freeBytes = stats.bavail * stats.bsize;
    const result = { freeBytes, neededBytes, totalBytes: stats.blocks * stats.bsize };
    return freeBytes >= neededBytes
      ? { ok: true, ...result }
      : { ok: false, error: 'low disk space: downloads will fail', ...result };
  } catch {
    return { ok: false, error: 'data directory not readable' };
  }
}
