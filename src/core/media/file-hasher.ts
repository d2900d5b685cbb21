import { Worker } from 'node:worker_threads';
import { DownloadError } from '../errors.js';

/**
 * The sha256 of a file that is still being written, computed on a worker thread. Hashing costs as
 * much CPU as receiving the bytes does; on the main thread it halved the download speed, so the
 * worker reads back what was written (from the page cache) while the main thread keeps reading
 * the network. The hash is of the bytes on disk, which is what the caller keeps.
 */
export interface FileHash {
  /** The first `bytes` of the file are written: hash them. */
  advance(bytes: number): void;
  /** The sha256 (hex) of the first `bytes` of the file, once they are hashed. */
  digest(bytes: number): Promise<string>;
  /** Stop hashing; the file is going away. */
  drop(): void;
}

type Reply = { id: number; sha256: string } | { id: number; error: string };

// Plain JavaScript, run with `eval`: the same in tsx, vitest and a built package.
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const buffer = Buffer.allocUnsafe(1024 * 1024);
const files = new Map();
parentPort.on('message', (message) => {
  const { type, id, path, upTo } = message;
  let file = files.get(id);
  if (type === 'drop') {
    if (file && file.fd !== undefined) fs.closeSync(file.fd);
    files.delete(id);
    return;
  }
  try {
    if (!file) {
      file = { fd: fs.openSync(path, 'r'), hash: createHash('sha256'), done: 0 };
      files.set(id, file);
    }
    if (file.error) throw file.error;
    while (file.done < upTo) {
      const n = fs.readSync(file.fd, buffer, 0, Math.min(buffer.length, upTo - file.done), file.done);
      if (n === 0) throw new Error('the file ended after ' + file.done + ' of ' + upTo + ' bytes');
      file.hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      file.done += n;
    }
    if (type === 'digest') {
      fs.closeSync(file.fd);
      files.delete(id);
      parentPort.postMessage({ id, sha256: file.hash.digest('hex') });
    }
  } catch (error) {
    if (file && file.fd !== undefined && !file.error) fs.closeSync(file.fd);
    files.set(id, { error: error });
    if (type === 'digest') {
      files.delete(id);
      parentPort.postMessage({ id, error: String((error && error.message) || error) });
    }
  }
});
`;

/**
 * How far the file grows before the worker is told: each message wakes a thread. At 1 MB the
 * messages cost the main thread a third more CPU than at 8 MB, for 300 MB; the worker then keeps
 * up to 8 MB behind, hashed in a few milliseconds at the end.
 */
const advanceStepBytes = 8 * 1024 * 1024;

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (reply: Reply) => void>();

function hashFailed(message: string): DownloadError {
  return new DownloadError('DOWNLOAD_HASH_FAILED', `Could not hash the download: ${message}`, {
    retryable: true,
    userMessage: 'The video could not be saved.',
  });
}

/** The one hashing thread, started on first use; restarted if it ever dies. */
function hasher(): Worker {
  if (worker) return worker;
  const started = new Worker(workerSource, { eval: true });
  // It holds the process open only while someone waits for a digest.
  started.unref();
  started.on('message', (reply: Reply) => waiting.get(reply.id)?.(reply));
  const fail = (reason: string) => {
    if (worker === started) worker = undefined;
    for (const [id, answer] of waiting) answer({ id, error: reason });
  };
  started.on('error', (error) => fail(error.message));
  started.on('exit', (code) => fail(`the hashing thread exited (${code})`));
  worker = started;
  return started;
}

/** Starts hashing `path` as it is written; see {@link FileHash}. */
export function hashFileAsWritten(path: string): FileHash {
  const id = nextId++;
  const thread = hasher();
  let lastAdvance = 0;
  return {
    advance(bytes) {
      if (bytes - lastAdvance < advanceStepBytes) return;
      lastAdvance = bytes;
      thread.postMessage({ type: 'advance', id, path, upTo: bytes });
    },
    digest(bytes) {
      return new Promise<string>((resolve, reject) => {
        if (worker !== thread) return reject(hashFailed('the hashing thread stopped'));
        waiting.set(id, (reply) => {
          waiting.delete(id);
          if (waiting.size === 0) thread.unref();
          if ('sha256' in reply) resolve(reply.sha256);
          else reject(hashFailed(reply.error));
        });
        thread.ref();
        thread.postMessage({ type: 'digest', id, path, upTo: bytes });
      });
    },
    drop() {
      thread.postMessage({ type: 'drop', id });
    },
  };
}
