import { describe, expect, it } from 'vitest';
import { createEditThrottle } from '../../../../src/core/chat/edit-throttle.js';
import { createManualClock, flushMicrotasks } from './manual-clock.js';

function setup(sendImpl?: (value: string) => Promise<void>) {
  const time = createManualClock();
  const sent: { value: string; at: number }[] = [];
  const errors: string[] = [];
  const throttle = createEditThrottle<string>({
    intervalMs: 1500,
    clock: time.clock,
    timers: time.timers,
    send: async (value) => {
      sent.push({ value, at: time.clock() });
      if (sendImpl) await sendImpl(value);
    },
    onError: (_error, value) => errors.push(value),
  });
  return { time, sent, errors, throttle };
}

describe('edit throttle', () => {
  it('sends the first value at once and then at most one per 1.5 s, always ending on the last', async () => {
    const { time, sent, throttle } = setup();
    throttle.push('queued');
    await flushMicrotasks();
    throttle.push('starting');
    throttle.push('processing 10%');
    throttle.push('processing 20%');
    await time.advance(1000);
    expect(sent.map((s) => s.value)).toEqual(['queued']);
    await time.advance(500);
    expect(sent.map((s) => s.value)).toEqual(['queued', 'processing 20%']);
    throttle.push('done');
    await time.advance(1499);
    expect(sent).toHaveLength(2);
    await time.advance(1);
    expect(sent.map((s) => s.value)).toEqual(['queued', 'processing 20%', 'done']);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1500);
    await throttle.idle();
  });

  it('waits for a slow send before the next one, and idle() waits for the last value', async () => {
    let release: () => void = () => {};
    const { time, sent, throttle } = setup((value) =>
      value === 'a' ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve(),
    );
    throttle.push('a');
    throttle.push('b');
    let idle = false;
    void throttle.idle().then(() => (idle = true));
    await time.advance(5000);
    expect(sent.map((s) => s.value)).toEqual(['a']);
    release();
    await flushMicrotasks();
    expect(sent.map((s) => s.value)).toEqual(['a', 'b']);
    await flushMicrotasks();
    expect(idle).toBe(true);
  });

  it('reports a failed send and carries on with newer values', async () => {
    const { time, sent, errors, throttle } = setup((value) =>
      value === 'bad' ? Promise.reject(new Error('429')) : Promise.resolve(),
    );
    throttle.push('bad');
    await flushMicrotasks();
    throttle.push('good');
    await time.advance(1500);
    expect(errors).toEqual(['bad']);
    expect(sent.map((s) => s.value)).toEqual(['bad', 'good']);
  });

  it('sends nothing after close', async () => {
    const { time, sent, throttle } = setup();
    throttle.push('a');
    await flushMicrotasks();
    throttle.push('b');
    throttle.close();
    await time.advance(3000);
    expect(sent.map((s) => s.value)).toEqual(['a']);
    expect(time.pending).toBe(0);
    await throttle.idle();
  });

  it('sends the waiting value at once on flush, without waiting out the interval', async () => {
    const { time, sent, throttle } = setup();
    throttle.push('a');
    await flushMicrotasks();
    throttle.push('b');
    expect(throttle.busy).toBe(true);
    await throttle.flush();
    expect(sent.map((s) => s.value)).toEqual(['a', 'b']);
    expect(sent[1]!.at).toBe(sent[0]!.at);
    expect(throttle.busy).toBe(false);
    expect(time.pending).toBe(0);
  });
});
