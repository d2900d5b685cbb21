import { Worker } from 'node:worker_threads';
import { DownloadError } from '../errors.js';

/**
 * Writes a download to its file and hashes it (sha256), both on one worker thread. The main thread
 * only receives the chunks and hands them over: moved, not copied, where a chunk owns its memory.
 *
 * Why one thread for both: writing on libuv's pool (a `FileHandle.writev` per batch) and hashing
 * on a worker touched every byte on three threads, from memory long out of the cache by the time
 * the pool got to it; the pool's page-cache copies alone cost 490 ms of CPU per 300 MB against
 * curl's 35 ms. The hashing thread has the bytes already: it hashes a message's chunks (about a
 * megabyte) and writes them with one `writevSync` while they are still in its cache, and the main
 * thread spends no promise or pool hop per batch. A `writeSync` per 64 KB chunk cost the worker
 * some 50 ms more per 300 MB. Sync writes block that thread only, never the event loop.
 */
export interface DownloadWriter {
  /**
   * Appends a chunk to the file. The chunk is the writer's from now on: it may be moved to the
   * worker (then it reads as empty here). Returns a promise when the worker is more than
   * {@link maxBehindBytes} behind (a slow disk or a starved thread must not make the chunks pile up
   * in memory): it settles once the worker has caught up to half of that, and rejects if a write
   * failed.
   */
  push(chunk: Buffer): Promise<void> | undefined;
  /**
   * Resolves once every chunk is written and hashed, with their sha256 (hex) and the bytes written.
   * Rejects with the write's error ({@link WriteFailure}) or a DOWNLOAD_HASH_FAILED.
   */
  finish(): Promise<{ sha256: string; written: number }>;
  /**
   * Stops: the file is going away. Resolves once the worker will not touch the file again, so the
   * caller may close it (closing earlier could let a write land in whatever file reuses the fd).
   */
  drop(): Promise<void>;
}

/** A write on the worker failed (ENOSPC, EFBIG, ...): its code, and the bytes written before it. */
export class WriteFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly written: number,
  ) {
    super(message);
    this.name = 'WriteFailure';
  }
}

type Reply =
  | { id: number; done: number }
  | { id: number; sha256: string; written: number }
  | { id: number; failed: { message: string; code?: string }; written: number }
  | { id: number; dropped: true }
  | { id: number; error: string };

// Plain JavaScript, run with `eval`: the same in tsx, vitest and a built package.
const workerSource = `
const { parentPort, MessageChannel } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { writevSync } = require('node:fs');
const files = new Map();
// Done chunks are moved into a closed port, which frees their memory at once. Left to this
// thread's garbage collector, which counts little else here, some 90 MB of them stayed resident.
const discarded = new MessageChannel();
discarded.port2.close();
discarded.port1.unref();
// Every byte of every chunk, in one writev per message rather than a write per 64 KB chunk. A
// write may take only part (a file size limit, a disk filling up); the rest is written again,
// which then fails with the reason.
function writeFully(file, chunks) {
  let pending = chunks;
  while (pending.length > 0) {
    const n = writevSync(file.fd, pending);
    if (n === 0) throw Object.assign(new Error('write made no progress'), { code: 'ENOSPC' });
    file.written += n;
    let left = n;
    const rest = [];
    for (const chunk of pending) {
      if (left >= chunk.byteLength) left -= chunk.byteLength;
      else {
        rest.push(left > 0 ? chunk.subarray(left) : chunk);
        left = 0;
      }
    }
    pending = rest;
  }
}
parentPort.on('message', ({ type, id, fd, chunks }) => {
  if (type === 'drop') {
    files.delete(id);
    return parentPort.postMessage({ id, dropped: true });
  }
  let file = files.get(id);
  if (!file) files.set(id, (file = { fd, hash: createHash('sha256'), written: 0, failed: undefined }));
  if (!file.failed) {
    try {
      // Hashed before the writev: the hash pulls the megabyte into this core's cache, where the
      // kernel's copy into the page cache then finds it.
      for (const chunk of chunks) file.hash.update(chunk);
      writeFully(file, chunks);
    } catch (error) {
      file.failed = { message: error.message, code: error.code };
    }
  }
  discarded.port1.postMessage(null, [...new Set(chunks.map((chunk) => chunk.buffer))]);
  // A failed file is kept (as failed) until dropped: chunks already on their way must not start it anew.
  if (file.failed) return parentPort.postMessage({ id, failed: file.failed, written: file.written });
  // Written means hashed too: the hash ran before the write.
  if (type === 'chunks') return parentPort.postMessage({ id, done: file.written });
  files.delete(id);
  parentPort.postMessage({ id, sha256: file.hash.digest('hex'), written: file.written });
});
`;

/**
 * Bytes gathered before the worker is told: each message wakes a thread, so a message per 64 KB
 * socket read would be 4,800 wake-ups for 300 MB; gathered, a few hundred. (256 KB and 512 KB
 * steps with 2 and 4 MB behind cost the same CPU in the benchmark.)
 */
const postStepBytes = 1024 * 1024;
/**
 * How far the worker may fall behind before {@link DownloadWriter.push} asks the reader to wait:
 * about a hundredth of a second of writing and hashing, and what a download holds in memory when
 * the disk or the worker is slow.
 */
export const maxBehindBytes = 16 * 1024 * 1024;

type Settle = { resolve(): void; reject(error: Error): void };

let worker: Worker | undefined;
let nextId = 0;
const listeners = new Map<number, (reply: Reply) => void>();
/** Promises waiting on the worker: while there are any, it holds the process open. */
let waiting = 0;

function threadFailed(message: string): DownloadError {
  return new DownloadError('DOWNLOAD_HASH_FAILED', `Could not write and hash the download: ${message}`, {
    retryable: true,
    userMessage: 'The video could not be saved.',
  });
}

/** The one writing thread, started on first use; restarted if it ever dies. */
function writerThread(): Worker {
  if (worker) return worker;
  const started = new Worker(workerSource, { eval: true });
  started.on('message', (reply: Reply) => listeners.get(reply.id)?.(reply));
  const fail = (reason: string) => {
    if (worker === started) worker = undefined;
    for (const [id, listener] of listeners) listener({ id, error: reason });
  };
  started.on('error', (error) => fail(error.message));
  started.on('exit', (code) => fail(`the writing thread exited (${code})`));
  // Unreferenced, so an idle writer never keeps the process alive. After the listeners: adding a
  // 'message' listener references the worker again, and unref() before it held every process that
  // had downloaded once open for good.
  started.unref();
  worker = started;
  return started;
}

function holdOpen(thread: Worker): () => void {
  if (waiting++ === 0) thread.ref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--waiting === 0) thread.unref();
  };
}

/**
 * A chunk that is the whole of its ArrayBuffer (a socket read is) moves to the worker for free. A
 * view into a larger one (the pool of small Buffers, a read that also held the headers) is copied:
 * moving its buffer would empty every other view of it.
 */
function movable(chunk: Buffer): { view: Uint8Array; buffer: ArrayBuffer } {
  const owned =
    chunk.buffer instanceof ArrayBuffer &&
    chunk.byteOffset === 0 &&
    chunk.byteLength === chunk.buffer.byteLength;
  if (owned) return { view: chunk, buffer: chunk.buffer };
  // Not `new Uint8Array(chunk)`: from a Buffer that copies byte by byte (a third of a millisecond
  // for a 54 KB video in profiles); `copy` is one memcpy into memory of its own.
  const copy = Buffer.allocUnsafeSlow(chunk.byteLength);
  chunk.copy(copy);
  return { view: copy, buffer: copy.buffer as ArrayBuffer };
}

/** Starts writing a download to the open file `fd` on the worker; see {@link DownloadWriter}. */
export function writeOffThread(fd: number): DownloadWriter {
  const id = nextId++;
  const thread = writerThread();
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  let postQueued = false;
  let posted = 0;
  let done = 0;
  let failure: Error | undefined;
  let caughtUp: (Settle & { promise: Promise<void>; release(): void }) | undefined;
  let finished: ((reply: Reply) => void) | undefined;
  let dropped: (() => void) | undefined;

  listeners.set(id, (reply) => {
    if ('error' in reply) failure ??= threadFailed(reply.error);
    if ('failed' in reply)
      failure ??= new WriteFailure(reply.failed.message, reply.failed.code, reply.written);
    if ('done' in reply) done = reply.done;
    if (caughtUp && (failure || posted - done <= maxBehindBytes / 2)) {
      const { resolve, reject, release } = caughtUp;
      caughtUp = undefined;
      release();
      if (failure) reject(failure);
      else resolve();
    }
    if ('dropped' in reply || 'error' in reply) dropped?.();
    if (finished && !('done' in reply)) finished(reply);
  });

  /** Sends what is gathered; the digest goes with the last of it, so a small file costs one message. */
  const post = (type: 'chunks' | 'finish') => {
    if (failure || dropped || (type === 'chunks' && gatheredBytes === 0)) return;
    const views: Uint8Array[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const chunk of gathered) {
      if (chunk.byteLength === 0) continue;
      const { view, buffer } = movable(chunk);
      views.push(view);
      transfer.push(buffer);
    }
    thread.postMessage({ type, id, fd, chunks: views }, transfer);
    posted += gatheredBytes;
    gathered = [];
    gatheredBytes = 0;
  };

  return {
    push(chunk) {
      if (failure) return Promise.reject(failure);
      gathered.push(chunk);
      gatheredBytes += chunk.byteLength;
      if (gatheredBytes >= postStepBytes && !postQueued) {
        postQueued = true;
        // Not at once: undici still takes a view of the socket read the chunk came from after
        // handing it over (when reading pauses), and a moved buffer would throw there.
        queueMicrotask(() => {
          postQueued = false;
          post('chunks');
        });
      }
      if (posted + gatheredBytes - done <= maxBehindBytes) return undefined;
      if (!caughtUp) {
        let settle!: Settle;
        const promise = new Promise<void>((resolve, reject) => {
          settle = { resolve, reject };
        });
        caughtUp = { promise, ...settle, release: holdOpen(thread) };
      }
      return caughtUp.promise;
    },
    finish() {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        if (worker !== thread) return reject(threadFailed('the writing thread stopped'));
        const release = holdOpen(thread);
        finished = (reply) => {
          release();
          finished = undefined;
          if ('sha256' in reply) {
            listeners.delete(id);
            resolve({ sha256: reply.sha256, written: reply.written });
          } else reject(failure ?? threadFailed('no digest'));
        };
        post('finish');
      });
    },
    drop() {
      gathered = [];
      gatheredBytes = 0;
      caughtUp?.release();
      caughtUp?.resolve();
      caughtUp = undefined;
      finished = undefined;
      if (worker !== thread) {
        listeners.delete(id);
        return Promise.resolve();
      }
      const release = holdOpen(thread);
      return new Promise<void>((resolve) => {
        dropped = () => {
          release();
          listeners.delete(id);
          resolve();
        };
        thread.postMessage({ type: 'drop', id });
      });
    },
  };
}
