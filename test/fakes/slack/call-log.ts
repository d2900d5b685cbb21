/** One request the fake Slack answered, for assertions. */
export interface RecordedCall {
  /** Position in the log, from 1. */
  seq: number;
  /** A Web API method such as `chat.update`, or `upload` / `download` / `response_url`. */
  method: string;
  /** The arguments as the client sent them, with JSON-encoded fields (`blocks`, `view`) decoded. */
  args: Record<string, unknown>;
  /** The bearer token the request carried, from the header or the `token` argument. */
  token?: string;
  /** What the fake answered (JSON body), when it answered JSON. */
  response?: unknown;
}

export interface WaitOptions {
  /** Only calls after this sequence number count (see {@link CallLog.last}). */
  since?: number;
  /** A safety net so a broken test fails with a listing instead of hanging. */
  timeoutMs?: number;
}

interface Waiter {
  method: string;
  predicate: (call: RecordedCall) => boolean;
  since: number;
  resolve(call: RecordedCall): void;
}

/**
 * Every call the fake Slack answered, in order, with a way to wait for one. Tests wait for the
 * call they expect rather than sleeping.
 */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  private waiters = new Set<Waiter>();

  record(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    const recorded = { ...call, seq: this.calls.length + 1 };
    this.calls.push(recorded);
    for (const waiter of [...this.waiters]) {
      if (matches(waiter, recorded)) {
        this.waiters.delete(waiter);
        waiter.resolve(recorded);
      }
    }
    return recorded;
  }

  /** The sequence number of the newest call, to wait for calls that come after now. */
  get last(): number {
    return this.calls.length;
  }

  /** Calls of one method, optionally filtered. */
  of(method: string, predicate: (call: RecordedCall) => boolean = () => true): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && predicate(call));
  }

  /** Resolves with the first call of `method` matching `predicate`, already made or still to come. */
  waitFor(
    method: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<RecordedCall> {
    const since = options.since ?? 0;
    const waiter = { method, predicate, since } as Waiter;
    const existing = this.calls.find((call) => matches(waiter, call));
    if (existing) return Promise.resolve(existing);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<RecordedCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.calls.map((c) => `${c.seq} ${c.method}`).join(', ');
        reject(new Error(`fake Slack: no ${method} call matched within ${timeoutMs} ms; seen: ${seen}`));
      }, timeoutMs);
      waiter.resolve = (call) => {
        clearTimeout(timer);
        resolve(call);
      };
      this.waiters.add(waiter);
    });
  }
}

function matches(waiter: Omit<Waiter, 'resolve'>, call: RecordedCall): boolean {
  return call.seq > waiter.since && call.method === waiter.method && waiter.predicate(call);
}
