/**
 * Downloads `url` into `tempDir` (the arguments) and prints the outcome as one JSON line: the
 * error's code and context, and the `.part` files left behind. Run by download.test.ts under a
 * file size limit (`prlimit --fsize`), which only a process of its own can be given.
 */
import fs from 'node:fs';
import { DownloadError } from '../../../../src/core/errors.js';
import { downloadToTemp, videoTypes } from '../../../../src/core/media/download.js';
import { createHostAllowList } from '../../../../src/core/media/host-allow-list.js';

const [url, tempDir] = process.argv.slice(2) as [string, string];
const outcome: { code?: string; context?: Record<string, unknown>; leftovers: string[] } = { leftovers: [] };
try {
  const file = await downloadToTemp({
    url,
    tempDir,
    maxBytes: 64 * 1024 * 1024,
    allowList: createHostAllowList([new URL(url).host]),
    accept: videoTypes,
    retryDelaysMs: [],
  });
  fs.rmSync(file.tempPath);
} catch (error) {
  if (!(error instanceof DownloadError)) throw error;
  outcome.code = error.code;
  outcome.context = error.context;
}
outcome.leftovers = fs.readdirSync(tempDir).filter((name) => name.endsWith('.part'));
process.stdout.write(`${JSON.stringify(outcome)}\n`);
