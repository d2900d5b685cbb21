import { describe, expect, it } from 'vitest';
import { createKeyedEditThrottle } from '../../../../src/core/chat/keyed-edit-throttle.js';
import type { Timers } from '../../../../src/core/timers.js';

/** A clock and timers that move only when the test says so. */
function manualTime() {
  let now = 0;
  const pending: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 0;
  const timers: Timers = {
    setTimeout(callback, ms) {
      const id = ++nextId;
      pending.push({ at: now + ms, callback, id });
      return id;
    },
    clearTimeout(handle) {
      const index = pending.findIndex((t) => t.id === handle);
      if (index >= 0) pending.splice(index, 1);
    },
  };
  return {
    clock: () => now,
    timers,
    pendingTimers: () => pending.length,
    advance(ms: number) {
      now += ms;
      for (const timer of pending.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)) {
        pending.splice(pending.indexOf(timer), 1);
        timer.callback();
      }
    },
  };
}

/** A send that records calls and lets the test decide when each one finishes. */
function recordingSend() {
  const sent: { key: string; value: string; at: number }[] = [];
  const finishers: (() => void)[] = [];
  return {
    sent,
    finishAll: async () => {
      while (finishers.length) finishers.shift()!();
      // Let the throttle's .finally() run.
      await new Promise((resolve) => setImmediate(resolve));
    },
    make(clock: () => number) {
      return (key: string, value: string) =>
        new Promise<void>((resolve) => {
          sent.push({ key, value, at: clock() });
          finishers.push(resolve);
        });
    },
  };
}

describe('status edit throttle', () => {
  it('sends the first value at once, then at most one per interval, always ending on the last', async () => {
    const time = manualTime();
    const send = recordingSend();
    const throttle = createKeyedEditThrottle<string>({
      intervalMs: 1500,
      clock: time.clock,
      timers: time.timers,
      send: send.make(time.clock),
      onError: () => {},
    });
    throttle.push('g1', 'queued');
    expect(send.sent.map((s) => s.value)).toEqual(['queued']);
    await send.finishAll();

    time.advance(100);
    throttle.push('g1', '10%');
    time.advance(100);
    throttle.push('g1', '20%');
    throttle.push('g1', '30%');
    expect(send.sent).toHaveLength(1);

    time.advance(1299);
    expect(send.sent).toHaveLength(1);
    time.advance(1);
    expect(send.sent.map((s) => s.value)).toEqual(['queued', '30%']);
    expect(send.sent[1]!.at - send.sent[0]!.at).toBe(1500);
    await send.finishAll();

    throttle.push('g1', 'done', { final: true });
    time.advance(1500);
    expect(send.sent.at(-1)!.value).toBe('done');
    await send.finishAll();
    expect(time.pendingTimers()).toBe(0);
  });

  it('never has two edits of one key in flight, and keys do not wait for each other', async () => {
    const time = manualTime();
    const send = recordingSend();
    const throttle = createKeyedEditThrottle<string>({
      intervalMs: 1000,
      clock: time.clock,
      timers: time.timers,
      send: send.make(time.clock),
      onError: () => {},
    });
    throttle.push('a', 'a1');
    throttle.push('b', 'b1');
    expect(send.sent.map((s) => s.value)).toEqual(['a1', 'b1']);
    throttle.push('a', 'a2');
    time.advance(5000);
    // a1 is still in flight: a2 waits for it.
    expect(send.sent.map((s) => s.value)).toEqual(['a1', 'b1']);
    await send.finishAll();
    expect(send.sent.map((s) => s.value)).toEqual(['a1', 'b1', 'a2']);
  });

  it('sends what is waiting at once on flush, and reports failures without stopping', async () => {
    const time = manualTime();
    const failures: string[] = [];
    const values: string[] = [];
    const throttle = createKeyedEditThrottle<string>({
      intervalMs: 1500,
      clock: time.clock,
      timers: time.timers,
      async send(_key, value) {
        values.push(value);
        if (value === 'boom') throw new Error('slack said no');
      },
      onError: (error, key) => failures.push(`${key}: ${(error as Error).message}`),
    });
    throttle.push('g', 'boom');
    throttle.push('g', 'last');
    await throttle.flush();
    expect(values).toEqual(['boom', 'last']);
    expect(failures).toEqual(['g: slack said no']);
    expect(time.pendingTimers()).toBe(0);
  });
});
