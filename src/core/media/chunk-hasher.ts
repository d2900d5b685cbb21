import { Worker } from 'node:worker_threads';
import { DownloadError } from '../errors.js';

/**
 * The sha256 of a download, computed on a worker thread from the chunks as they are written.
 * Hashing costs as much CPU as receiving the bytes does; on the main thread it halved the download
 * speed. Reading the file back on the worker (the design before) cost a second pass over every
 * byte; here the worker gets the written chunks themselves, moved to it rather than copied where a
 * chunk owns its memory, so the main thread only receives, writes and hands over.
 */
export interface ChunkHash {
  /**
   * These chunks are written to the file, in order: hash them next. The caller must not touch them
   * afterwards, for they may be moved to the worker (then they read as empty here). Returns a
   * promise when the worker is more than {@link maxBehindBytes} behind (a starved thread must not
   * make the chunks pile up in memory): it settles once the worker has caught up to half of that.
   */
  update(chunks: readonly Buffer[]): Promise<void> | undefined;
  /** The sha256 (hex) of every chunk given, once they are hashed. */
  digest(): Promise<string>;
  /** Stop hashing; the file is going away. */
  drop(): void;
}

type Reply = { id: number; hashed: number } | { id: number; sha256: string } | { id: number; error: string };

// Plain JavaScript, run with `eval`: the same in tsx, vitest and a built package.
const workerSource = `
const { parentPort, MessageChannel } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
// Hashed chunks are moved into a closed port, which frees their memory at once. Left to this
// thread's garbage collector, which counts little else here, some 90 MB of them stayed resident.
const discarded = new MessageChannel();
discarded.port2.close();
discarded.port1.unref();
parentPort.on('message', ({ type, id, chunks }) => {
  if (type === 'drop') return hashes.delete(id);
  let state = hashes.get(id);
  if (!state) hashes.set(id, (state = { hash: createHash('sha256'), hashed: 0 }));
  for (const chunk of chunks) {
    state.hash.update(chunk);
    state.hashed += chunk.byteLength;
  }
  discarded.port1.postMessage(null, [...new Set(chunks.map((chunk) => chunk.buffer))]);
  if (type === 'update') return parentPort.postMessage({ id, hashed: state.hashed });
  hashes.delete(id);
  parentPort.postMessage({ id, sha256: state.hash.digest('hex') });
});
`;

/**
 * Written bytes gathered before the worker is told: each message wakes a thread, so a message per
 * 64 KB socket read would be 4,800 wake-ups for 300 MB; gathered, a few hundred.
 */
const postStepBytes = 1024 * 1024;
/**
 * How far the worker may fall behind before {@link ChunkHash.update} asks the writer to wait: a
 * hundredth of a second of hashing, and with the writer's 8 MB queue what a download may hold in
 * memory when the worker gets no CPU.
 */
export const maxBehindBytes = 16 * 1024 * 1024;

type Settle = { resolve(): void; reject(error: Error): void };

let worker: Worker | undefined;
let nextId = 0;
const listeners = new Map<number, (reply: Reply) => void>();
/** Promises waiting on the worker: while there are any, it holds the process open. */
let waiting = 0;

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
  started.on('message', (reply: Reply) => listeners.get(reply.id)?.(reply));
  const fail = (reason: string) => {
    if (worker === started) worker = undefined;
    for (const [id, listener] of listeners) listener({ id, error: reason });
  };
  started.on('error', (error) => fail(error.message));
  started.on('exit', (code) => fail(`the hashing thread exited (${code})`));
  // Unreferenced, so an idle hasher never keeps the process alive. After the listeners: adding a
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

/** Starts a sha256 of chunks hashed off the main thread; see {@link ChunkHash}. */
export function hashChunksOffThread(): ChunkHash {
  const id = nextId++;
  const thread = hasher();
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  let posted = 0;
  let hashed = 0;
  let failure: DownloadError | undefined;
  let caughtUp: (Settle & { promise: Promise<void>; release(): void }) | undefined;
  let digested: ((reply: Reply) => void) | undefined;

  listeners.set(id, (reply) => {
    if ('error' in reply) failure = hashFailed(reply.error);
    if ('hashed' in reply) hashed = reply.hashed;
    if (caughtUp && (failure || posted - hashed <= maxBehindBytes / 2)) {
      const { resolve, reject, release } = caughtUp;
      caughtUp = undefined;
      release();
      if (failure) reject(failure);
      else resolve();
    }
    if (digested && !('hashed' in reply)) digested(reply);
  });

  /** Sends what is gathered; the digest goes with the last of it, so a small file costs one message. */
  const post = (type: 'update' | 'digest') => {
    if (failure || (type === 'update' && gatheredBytes === 0)) return;
    const views: Uint8Array[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const chunk of gathered) {
      if (chunk.byteLength === 0) continue;
      const { view, buffer } = movable(chunk);
      views.push(view);
      transfer.push(buffer);
    }
    thread.postMessage({ type, id, chunks: views }, transfer);
    posted += gatheredBytes;
    gathered = [];
    gatheredBytes = 0;
  };

  return {
    update(chunks) {
      if (failure) return Promise.reject(failure);
      for (const chunk of chunks) {
        gathered.push(chunk);
        gatheredBytes += chunk.byteLength;
      }
      if (gatheredBytes >= postStepBytes) post('update');
      if (posted - hashed <= maxBehindBytes) return undefined;
      if (!caughtUp) {
        let settle!: Settle;
        const promise = new Promise<void>((resolve, reject) => {
          settle = { resolve, reject };
        });
        caughtUp = { promise, ...settle, release: holdOpen(thread) };
      }
      return caughtUp.promise;
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        if (failure) return reject(failure);
        if (worker !== thread) return reject(hashFailed('the hashing thread stopped'));
        const release = holdOpen(thread);
        digested = (reply) => {
          release();
          listeners.delete(id);
          if ('sha256' in reply) resolve(reply.sha256);
          else reject(failure ?? hashFailed('no digest'));
        };
        post('digest');
      });
    },
    drop() {
      listeners.delete(id);
      caughtUp?.release();
      caughtUp?.resolve();
      caughtUp = undefined;
      gathered = [];
      if (worker === thread) thread.postMessage({ type: 'drop', id });
    },
  };
}
