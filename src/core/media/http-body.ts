import type { IncomingHttpHeaders } from 'node:http';
import { type Dispatcher, getGlobalDispatcher } from 'undici';

/** A response whose body has not been read yet: the connection waits until {@link read} or {@link discard}. */
export interface OpenedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /**
   * Hands every body chunk to `onChunk` as it comes off the socket; returning false pauses the
   * connection until `resume()`. `done` settles when the body ends or the transfer fails.
   */
  read(onChunk: (chunk: Buffer) => boolean): { resume(): void; done: Promise<void> };
  /** Stops the transfer; a `read` in progress fails with `reason`. */
  discard(reason?: Error): void;
  /** Reads and drops a small body (a redirect, an error page) so the connection can be reused. */
  drain(): Promise<void>;
}

export interface GetOptions {
  dispatcher?: Dispatcher;
  signal: AbortSignal;
  idleTimeoutMs: number;
}

/** The most of an unwanted body worth reading to keep the connection; past it the socket is closed. */
const drainLimitBytes = 128 * 1024;

/**
 * GET through undici's `dispatch` API, without a Readable in between: a body stream and its async
 * iterator cost more CPU per chunk than the chunk's hashing did, and held the download to 0.4x curl.
 */
export function openGet(url: URL, options: GetOptions): Promise<OpenedResponse> {
  const { signal } = options;
  return new Promise<OpenedResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let onChunk: ((chunk: Buffer) => boolean) | undefined;
    let settle: { resolve(): void; reject(error: Error): void } | undefined;
    let outcome: { error?: Error } | undefined;
    let opened = false;

    const onAbort = () => controller?.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (error?: Error) => {
      signal.removeEventListener('abort', onAbort);
      if (!opened) return reject(error);
      outcome = { error };
      if (error) settle?.reject(error);
      else settle?.resolve();
    };

    const response = (statusCode: number, headers: IncomingHttpHeaders): OpenedResponse => ({
      statusCode,
      headers,
      read(handler) {
        onChunk = handler;
        const done = new Promise<void>((resolveDone, rejectDone) => {
          settle = { resolve: resolveDone, reject: rejectDone };
          if (outcome) finish(outcome.error);
        });
        const resume = () => controller?.resume();
        resume();
        return { resume, done };
      },
      discard(reason = new Error('response discarded')) {
        if (!outcome) controller?.abort(reason);
      },
      async drain() {
        let bytes = 0;
        const reading = this.read((chunk) => {
          bytes += chunk.length;
          if (bytes > drainLimitBytes) this.discard();
          return true;
        });
        await reading.done.catch(() => {});
      },
    });

    (options.dispatcher ?? getGlobalDispatcher()).dispatch(
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headersTimeout: options.idleTimeoutMs,
        bodyTimeout: options.idleTimeoutMs,
      },
      {
        onRequestStart(started) {
          controller = started;
          if (signal.aborted) started.abort(signal.reason);
        },
        onResponseStart(started, statusCode, headers) {
          // Nothing is read until the caller has looked at the status and headers.
          started.pause();
          opened = true;
          resolve(response(statusCode, headers));
        },
        onResponseData(started, chunk) {
          if (onChunk && !onChunk(chunk)) started.pause();
        },
        onResponseEnd() {
          finish();
        },
        onResponseError(_started, error) {
          finish(error);
        },
      },
    );
  });
}
