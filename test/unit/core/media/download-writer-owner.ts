/**
 * A process that writes a download on the worker thread and then has nothing left to do: it must
 * exit by itself. `finish` prints the sha256 first; `abandon` leaves a file half-fed, as a download
 * cut off by a shutdown does. `limit`, run under a file size limit (`prlimit --fsize`), prints the
 * failure's code and bytes written, and the bytes the file holds, base64.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WriteFailure, writeOffThread } from '../../../../src/core/media/download-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-writer-owner-'));
const fd = fs.openSync(path.join(dir, 'file.part'), 'wx');
const writer = writeOffThread(fd);
for (let i = 0; i < 3; i++) writer.push(Buffer.allocUnsafeSlow(1024 * 1024).fill(i));
if (process.argv[2] === 'finish') process.stdout.write(`${(await writer.finish()).sha256}\n`);
if (process.argv[2] === 'limit') {
  const failure = await writer.finish().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof WriteFailure)) throw new Error(`expected a WriteFailure, got ${failure}`);
  await writer.drop();
  const held = fs.readFileSync(path.join(dir, 'file.part')).toString('base64');
  process.stdout.write(`${JSON.stringify({ code: failure.code, written: failure.written, held })}\n`);
}
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
